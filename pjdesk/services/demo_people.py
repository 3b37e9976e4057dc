"""演示数据, the people: each demo unit's roster, two years of training and the certificates its people hold.

- A roster sized by the unit's sector (a building site or a mine employs more than a shop): its 主要负责人, a
  分管负责人 and 专职安全管理人员 where the unit is big or high-risk, 班组长, 特种作业人员 and, in the four
  high-risk sectors, 高风险岗位操作人员; 劳务派遣 and 灵活用工 among them; some hired this year, some gone
  (离岗日期); a few with no 身份证号 yet and a few with a 15-digit one and its note.
- Each unit's 年度再培训 (most of its people, a few 不合格), the township's 三类人员培训 for the managers of
  several units at once, a 岗前培训 for the year's hires and a 特种作业培训 for special operators.
- Certificates for the special operators, the high-risk operators and the safety managers of high-risk units,
  issued over seven years: some lapsed, some due for 复审 or expiring within 60 days, a few operators without.

Everything is drawn from one generator seeded from the demo's seed (ids too), never the clock: the same seed
and day give the same records. Rows are written with ``insert_many``, as the ledger's are.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from pjdesk.core.dates import add_years
from pjdesk.core.person import CERTIFICATE, PERSON, TRAINING, TRAINING_ATTENDEE
from pjdesk.core.unit import is_high_risk_sector

from .demo_rows import day_ms, seeded_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强志明海燕红梅春梅小红小平国平桂兰德明德胜亮斌波辉鹏宇浩凯"
FOUR_SECTORS = ("非煤矿山", "危化", "烟花爆竹", "金属冶炼")
STAFF = {"建筑施工": (20, 90), "非煤矿山": (20, 70), "危化": (12, 50), "烟花爆竹": (12, 45), "金属冶炼": (12, 50),
         "涉爆粉尘": (8, 35), "钢铁/铝加工": (8, 40), "交通运输": (6, 30), "人员密集场所": (5, 25), "学校": (10, 40)}
POSTS = {"特种作业人员": ("电工", "焊工", "高处作业", "制冷与空调作业", "叉车司机", "起重机司机"),
         "高风险岗位操作人员": ("化工操作工", "爆破作业", "装药工", "冶炼工", "危险品押运员", "中控操作员"),
         "班组长": ("生产班组长", "仓储班组长", "施工班组长"),
         "一般从业人员": ("操作工", "仓库管理员", "装卸工", "保安", "保洁", "厨师", "收银员", "驾驶员", "文员")}
SPECIAL_CERTS = {"电工": "低压电工作业", "焊工": "熔化焊接与热切割作业", "高处作业": "登高架设作业",
                 "制冷与空调作业": "制冷与空调设备运行操作作业", "叉车司机": "叉车司机", "起重机司机": "起重机司机",
                 "化工操作工": "化工自动化控制仪表作业", "爆破作业": "爆破作业", "装药工": "烟花爆竹安全作业",
                 "冶炼工": "煤气作业", "危险品押运员": "危险化学品安全作业", "中控操作员": "化工自动化控制仪表作业"}
ORGANISERS = ("平江县应急管理局", "岳阳市安全生产培训中心", "平江县安全生产宣传教育中心")


class DemoPeople:
    """The people of the demo's units, planned from the seed and written in bulk."""

    def __init__(self, seed: int, today: dt.date, units: Sequence[dict]):
        self.rng = random.Random(f"people-{seed}")
        self.today = today
        self.units = [u for u in units if u.get("status", "正常") == "正常"]
        self.people: list[dict] = []
        self.trainings: list[dict] = []
        self.attendees: list[dict] = []
        self.certificates: list[dict] = []
        self._numbers: set[str] = set()
        self._serial = 0

    # --- drawing ------------------------------------------------------------------------------------
    def _id(self) -> str:
        self._serial += 1
        return seeded_id(self.rng, day_ms(self.today, 8) + self._serial)

    def _day(self, start: dt.date, end: dt.date) -> dt.date:
        span = (end - start).days
        return start + dt.timedelta(days=self.rng.randint(0, max(span, 0)))

    def _id_number(self, born: dt.date, note: list) -> str | None:
        from stdnum.cn import ric

        r = self.rng.random()
        if r < 0.03:
            return None  # not yet given by the unit
        while True:
            body = f"430626{born:%Y%m%d}{self.rng.randint(0, 999):03d}"
            number = body[:6] + body[8:14] + body[14:] if r < 0.035 else body + ric.calc_check_digit(body + "0")
            if number not in self._numbers:
                self._numbers.add(number)
                if len(number) == 15:
                    note.append("1990 年代办理的 15 位旧身份证，已核对原件")
                return number

    # --- planning -----------------------------------------------------------------------------------
    def plan(self) -> None:
        year_start = dt.date(self.today.year, 1, 1)
        managers: dict[str, list[dict]] = {}
        for unit in self.units:
            staff = self._roster(unit)
            self.people += staff
            managers.setdefault(unit["township"], []).extend(
                p for p in staff if p["role_class"] in ("分管负责人", "专职安全管理人员", "班组长"))
            self._unit_trainings(unit, staff, year_start)
            self._certificates(unit, staff)
        for township, people in managers.items():
            self._manager_trainings(township, people)

    def _roster(self, unit: dict) -> list[dict]:
        rng = self.rng
        low, high = STAFF.get(unit["sector"], (3, 16))
        size = rng.randint(low, high)
        four = unit["sector"] in FOUR_SECTORS
        high_risk = bool(unit.get("is_high_risk")) or is_high_risk_sector(unit["sector"])
        roles = ["主要负责人"]
        if size > 10:
            roles.append("分管负责人")
        if high_risk or size >= 30:
            roles += ["专职安全管理人员"] * (1 + size // 60)
        out = []
        for n in range(size):
            if n < len(roles):
                role = roles[n]
            else:
                r = rng.random()
                role = ("班组长" if r < 0.08 else "特种作业人员" if r < (0.22 if high_risk else 0.12)
                        else "高风险岗位操作人员" if four and r < 0.38 else "一般从业人员")
            born = self._day(dt.date(1966, 1, 1), dt.date(2004, 12, 31))
            note: list[str] = []
            number = self._id_number(born, note)
            r = rng.random()
            hired = (self._day(dt.date(self.today.year, 1, 1), self.today) if r < 0.1
                     else self._day(max(dt.date(born.year + 18, 1, 1), self.today - dt.timedelta(days=365 * 15)),
                                    dt.date(self.today.year - 1, 12, 31)))
            left = self._day(hired, self.today) if rng.random() < 0.06 else None
            employment = rng.choices(("正式", "劳务派遣", "灵活用工"), (76, 12, 12))[0] if n >= len(roles) else "正式"
            posts = POSTS.get(role)
            out.append({
                "id": self._id(), "township": unit["township"], "unit_id": unit["id"],
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else ""),
                "id_number": number, "id_note": note[0] if note else None, "role_class": role,
                "employment": employment, "hired": hired.isoformat(), "left_on": left.isoformat() if left else None,
                "post": rng.choice(posts) if posts else None,
                "phone": f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}" if rng.random() < 0.8 else None,
            })
        return out

    def _session(self, township: str, day: dt.date, kind: str, hours: int, organiser: str, unit_id: str | None,
                 people: Sequence[dict], fail: float) -> None:
        if not people or day > self.today:
            return
        training = {"id": self._id(), "township": township, "date": day.isoformat(), "training_type": kind,
                    "hours": hours, "organiser": organiser, "unit_id": unit_id}
        self.trainings.append(training)
        for p in people:
            self.attendees.append({"id": self._id(), "township": township, "training_id": training["id"],
                                   "person_id": p["id"], "result": "不合格" if self.rng.random() < fail else "合格"})

    def _present(self, people: Sequence[dict], day: dt.date, share: float) -> list[dict]:
        iso = day.isoformat()
        return [p for p in people if (p["hired"] <= iso) and (not p["left_on"] or p["left_on"] > iso)
                and self.rng.random() < share]

    def _unit_trainings(self, unit: dict, staff: list[dict], year_start: dt.date) -> None:
        rng, four = self.rng, unit["sector"] in FOUR_SECTORS
        for year in (self.today.year - 1, self.today.year):
            for _ in range(rng.choice((1, 1, 2))):
                day = self._day(dt.date(year, 2, 15), dt.date(year, 11, 30))
                hours = rng.choice((8, 12, 16, 20) if four else (4, 8, 8, 12))
                self._session(unit["township"], day, "年度再培训", hours, unit["name"], unit["id"],
                              self._present(staff, day, rng.uniform(0.55, 0.95)), 0.04)
        hires = [p for p in staff if p["hired"] >= year_start.isoformat()]
        if hires:
            day = min(self.today, dt.date.fromisoformat(max(p["hired"] for p in hires)) + dt.timedelta(days=7))
            self._session(unit["township"], day, "岗前培训", 72 if four else 24, unit["name"], unit["id"],
                          [p for p in hires if rng.random() < 0.85], 0.03)
        special = [p for p in staff if p["role_class"] == "特种作业人员"]
        if special and rng.random() < 0.4:
            day = self._day(self.today - dt.timedelta(days=300), self.today)
            self._session(unit["township"], day, "特种作业培训", rng.choice((16, 24, 32)), rng.choice(ORGANISERS),
                          None, self._present(special, day, 0.7), 0.08)

    def _manager_trainings(self, township: str, people: list[dict]) -> None:
        """The township's 三类人员培训: its units' managers, a class of up to sixty at a time."""
        rng = self.rng
        for year in (self.today.year - 1, self.today.year):
            day = self._day(dt.date(year, 3, 1), dt.date(year, 10, 31))
            present = self._present(people, day, rng.uniform(0.45, 0.75))
            for start in range(0, len(present), 60):
                self._session(township, day + dt.timedelta(days=start // 60), "三类人员培训",
                              rng.choice((16, 32, 48)), "平江县应急管理局", None, present[start:start + 60], 0.06)

    def _certificates(self, unit: dict, staff: list[dict]) -> None:
        rng = self.rng
        high_risk = bool(unit.get("is_high_risk")) or is_high_risk_sector(unit["sector"])
        for p in staff:
            role = p["role_class"]
            if role == "特种作业人员" and rng.random() < 0.97:
                cert_type = ("建筑施工特种作业操作资格证" if unit["sector"] == "建筑施工" else
                             "特种设备作业人员证" if p["post"] in ("叉车司机", "起重机司机") else "特种作业操作证")
            elif role == "高风险岗位操作人员" and rng.random() < 0.85:
                cert_type = "特种作业操作证"
            elif role == "专职安全管理人员" and high_risk and rng.random() < 0.9:
                cert_type = "安全生产知识和管理能力考核合格证"
            else:
                continue
            years = {"特种作业操作证": 6, "特种设备作业人员证": 4, "建筑施工特种作业操作资格证": 2}.get(cert_type, 3)
            # Most holders renew in time: their certificate is current. A few let it lapse (up to a year ago),
            # a few are due within the 60 days the 待办 list looks ahead.
            span = dt.timedelta(days=365 * years)
            r = rng.random()
            if r < 0.03:
                issued = self._day(self.today - span - dt.timedelta(days=365), self.today - span - dt.timedelta(days=1))
            elif r < 0.08:
                issued = self._day(self.today - span + dt.timedelta(days=1), self.today - span + dt.timedelta(days=60))
            else:
                issued = self._day(self.today - span + dt.timedelta(days=70), self.today - dt.timedelta(days=20))
            until = add_years(issued, years)
            review = add_years(issued, 3) if cert_type == "特种作业操作证" else None
            if review and review < self.today and rng.random() < 0.95:
                review = None  # reviewed in time: valid to the end
            self.certificates.append({
                "id": self._id(), "township": p["township"], "person_id": p["id"], "cert_type": cert_type,
                "work_class": SPECIAL_CERTS.get(p["post"] or "", "主要负责人" if role == "主要负责人" else "安全生产管理人员"),
                "cert_no": f"T{p['id_number'] or rng.randint(10**17, 10**18 - 1)}" if cert_type == "特种作业操作证"
                else f"{rng.choice(('湘', 'HN'))}{issued.year}{rng.randint(0, 99999):05d}",
                "issued": issued.isoformat(), "valid_until": until.isoformat(),
                "review_due": review.isoformat() if review else None,
                "issuer": "岳阳市应急管理局" if cert_type != "特种设备作业人员证" else "岳阳市市场监督管理局",
            })

    # --- writing ------------------------------------------------------------------------------------
    def write(self, store, operator: str | None) -> dict:
        """Write what was planned (inside the demo's transaction), township by township."""
        for kind, rows in ((PERSON, self.people), (TRAINING, self.trainings), (TRAINING_ATTENDEE, self.attendees),
                           (CERTIFICATE, self.certificates)):
            groups: dict[str, list[dict]] = {}
            for row in rows:
                groups.setdefault(row["township"], []).append(row)
            for code, group in groups.items():
                store.insert_many(kind, group, township=code, operator=operator)
        return {"people": len(self.people), "trainings": len(self.trainings), "attendees": len(self.attendees),
                "certificates": len(self.certificates)}
