"""演示数据, the year's inspections: what a township station's 检查记录 look like after twelve months.

``DemoInspections`` plans, from the demo's seed, the inspections of the twelve months up to ``session.today()``
at the demo's units (high-risk units first, so that T05 has something to show), in every 检查方式, and carries
them out through the services an officer's clicks go through, in the order of their dates:

- the inspection with its inspectors (two with their 执法证号 for an enforcement check; a few without, 待补充)
  and its unit's checklist, a few items 不符合;
- those items made hazards by ``inspections.hazards_from_items``, linked both ways, a 重大 item's hazard then
  given its 五落实 (a few recent ones left 待补充);
- for a handful, the 现场检查记录 and the 责令限期整改指令书 issued (``documents.issue_document``: drawing a
  document's PDF and XLSX takes 0.05 to 0.3 s, so about four enforcement checks of the last 30 days and three
  earlier ones that found hazards are documented; the others' hazards get their 整改通知 as a ledger step);
- the review (``inspections.record_review``, an inspection of 检查方式 整改复查) after the deadline, its
  整改复查意见书 where the 指令书 was issued, 销号 after a passing review, another review after a failing one;
- a few stop orders (责令停产整顿) and fines, and a few photos (generated PNG images) attached.

A step dated after today is never taken: the latest inspections' hazards are still open, as they would be.
On the county station each township's inspections are written as that township's own (its 文号, its numbers),
as the county would have received them.

Every draw comes from a generator of its own, seeded from the demo's seed, and the records' ids from it too
(``core.ids.ids_from``): the same seed gives the same records, and the ledger's own draws are not disturbed by
these. Only the SHA-256 of an issued document's files differs between two runs (the PDF and XLSX writers stamp
the moment they were written).
"""

from __future__ import annotations

import copy
import datetime as dt
import heapq
import itertools
import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import replace

from pjdesk.core.checklists import checklist_for
from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import HAZARD, MAJOR, missing_major_items
from pjdesk.core.ids import ids_from
from pjdesk.core.inspection import FAILED, INSPECTION, NOT_APPLICABLE, PASSED, RANDOM, ROUTINE, is_enforcement
from pjdesk.core.townships import station_name
from pjdesk.forms.documents import ORDER_TYPE, REVIEW_TYPE, SITE_RECORD_TYPE

from . import attachments as attachment_service
from . import documents as document_service
from . import hazards as hazard_service
from . import inspections as inspection_service
from .records import save_record
from .session import TOWNSHIP, Session, Station

RATE = 0.5  # inspections a unit has in a year, on average (high-risk units several, small shops seldom)
MIN_PER_TOWNSHIP = 8  # a county township of a dozen units still shows every kind of check
# The benchmark's county ledger (8,000 units) gets this many, not 4,000: its build stays within a minute more.
MAX_INSPECTIONS = 600
DAYS = 365
# Documents issued: about this many enforcement checks of the last RECENT_DAYS, and of the months before,
# this many that found hazards (their 指令书 and, after the review, their 整改复查意见书): a handful, as
# drawing a document's PDF and XLSX takes 0.05 to 0.3 s (a 现场检查记录 of 25 items the most).
RECENT_DAYS = 30
DOCUMENTED_RECENT, DOCUMENTED_EARLIER = 4, 3
REVIEW_MODE = inspection_service.REVIEW_MODE

# How often each 检查方式 is drawn; 整改复查 is not drawn: it is the review of what the others found.
MODE_WEIGHTS = {"日常巡查": 34, "专项检查": 16, "计划执法": 14, "双随机": 10, "举报核查": 5, "联合检查": 8, "暗查暗访": 5}
# A high-risk unit's yearly check: most often in the plan (计划执法 twice), else in a campaign or a draw.
ENFORCEMENT_MODES = ("计划执法", "专项检查", "双随机", "联合检查", "计划执法")
# The chance that a check of the mode finds something (a 举报 is mostly true; unannounced visits see more).
FINDS = {"日常巡查": 0.3, "专项检查": 0.5, "计划执法": 0.5, "双随机": 0.45, "举报核查": 0.8, "联合检查": 0.55,
         "暗查暗访": 0.7}
FAILED_COUNT = (1, 1, 1, 1, 2, 2, 2, 3)
DEADLINE_DAYS = (7, 10, 15, 15, 20, 30)
OBSERVED = (None, None, "现场检查发现", "查阅台账资料，相关记录缺失", "负责人未能提供相关资料", "现场抽查两处，均未落实",
            "上次检查已指出，仍未整改")
SPECIAL_CAMPAIGNS = ("消防安全专项检查", "燃气安全专项排查整治", "汛期安全专项检查", "烟花爆竹打非治违专项行动",
                     "自建房安全专项整治", "有限空间作业专项检查", "节前安全生产大检查")
REPORT_CHANNELS = ("12350 举报电话", "县长信箱转办", "群众来信", "12345 热线转办")
FAIL_NOTES = ("整改不彻底，现场仍存在同类问题", "仅作临时处理，未从根本上消除隐患", "整改资料不全，需补充完善")
PASS_NOTES = ("经现场复查，已整改到位", "复查合格，隐患已消除", "现场核实已按要求整改")
FINES_YUAN = (5000, 10000, 10000, 20000, 30000, 50000)

Progress = Callable[[], None]


class DemoInspections:
    """The year's inspections of a demo, planned when made, carried out step by step in date order."""

    def __init__(self, world, session: Session, units: list[dict], seed: int, hazards: int):
        """``hazards``: at most this many hazards are found (the demo's size: its ledger has the rest)."""
        # A generator of its own: the ledger's five years are drawn from the world's, unchanged by this one.
        self.w = copy.copy(world)
        self.w.rng = random.Random(f"{seed}:inspections")
        self.w._random = self.w.rng.random
        self.session, self.store = session, session.store
        self.today = world.today
        self.first = self.today - DAYS + 1
        self.views: dict[str, Session] = {}
        self.steps: list[tuple] = []  # a heap of (day as an ordinal, sequence, step name, its arguments)
        self.sequence = itertools.count()
        self.day = self.today  # the day of the step being taken: new ids carry it
        self.counts = {"inspections": 0, "found_at_inspections": 0, "documents": 0, "attachments": 0}
        self.found_hazards: list[str] = []
        self.before_photos: set[str] = set()
        self.scanned = False
        self.certs = {code: {name: f"430626{code[-3:]}{i + 1:02d}" for i, name in enumerate(names)}
                      for code, names in self.w.officers.items()}
        self.photo_serial = itertools.count(1)
        self.planned = self._plan(units, hazards)
        self.found_planned = sum(len(draft["failed"]) for draft in self.drafts)
        self.done = 0

    # --- the plan -------------------------------------------------------------------------------------------
    def _plan(self, units: list[dict], hazards: int) -> int:
        """Draw every inspection's day, unit, mode and what it finds (at most ``hazards`` items 不符合, so that
        the demo has the size asked for); returns how many inspections there are."""
        places: dict[str, list[dict]] = {}
        for unit in units:
            if unit["status"] in ("正常", "停产"):
                places.setdefault(unit["township"], []).append(unit)
        wanted = {code: max(MIN_PER_TOWNSHIP, round(len(active) * RATE)) for code, active in places.items()}
        total = sum(wanted.values())
        if total > MAX_INSPECTIONS:
            wanted = {code: max(2, n * MAX_INSPECTIONS // total) for code, n in wanted.items()}
        plans = []
        for code, active in places.items():
            # A high-risk unit has its enforcement check most years (T05); the rest are drawn by weight.
            chosen = [(u, self.w.pick(ENFORCEMENT_MODES)) for u in active if u["is_high_risk"] and self.w.chance(0.85)]
            chosen = chosen[:wanted[code]]
            weights = list(itertools.accumulate(3.0 if u["is_high_risk"] else 1.0 for u in active))
            while len(chosen) < wanted[code]:
                chosen.append((self.w._weighted(active, weights), None))
            plans += [(self._workday(), unit, mode) for unit, mode in chosen]
        # Every mode at least once: the first inspections of the plan take them in turn.
        modes, cumulative = list(MODE_WEIGHTS), list(itertools.accumulate(MODE_WEIGHTS.values()))
        recent = {True: 0, False: 0}  # enforcement checks in the last RECENT_DAYS, and before them
        first = self.w.rng.sample(modes, len(modes))
        self.drafts = []
        for i, (day, unit, mode) in enumerate(plans):
            if i < len(first):
                mode = first[i]
            elif mode is None:
                mode = self.w._weighted(modes, cumulative)
            draft = self._draft(unit, mode)
            self.drafts.append(draft)
            self._schedule(day, "inspect", unit, mode, draft)
            recent[self.today - day < RECENT_DAYS] += is_enforcement(mode)
        # A demo smaller than what the year's checks would find: the first checks find less.
        excess = sum(len(d["failed"]) for d in self.drafts) - hazards
        for draft in self.drafts:
            while excess > 0 and draft["failed"]:
                draft["results"][draft["failed"].pop()] = PASSED
                excess -= 1
        # Half the checks find something: that many of the earlier ones are the candidates.
        self.documented_share = {True: min(1.0, DOCUMENTED_RECENT / max(recent[True], 1)),
                                 False: min(1.0, 2 * DOCUMENTED_EARLIER / max(recent[False], 1))}
        return len(plans)

    def _workday(self) -> int:
        """A day of the twelve months, Monday to Friday."""
        day = self.w.between(self.first, self.today + 1)
        weekday = dt.date.fromordinal(day).weekday()
        if weekday >= 5:
            day = day - (weekday - 4) if day - (weekday - 4) >= self.first else day + (7 - weekday)
        return min(day, self.today)

    def _schedule(self, day: int, name: str, *args) -> None:
        if day <= self.today:
            heapq.heappush(self.steps, (day, next(self.sequence), name, args))

    # --- carrying it out ------------------------------------------------------------------------------------
    def next_day(self) -> str | None:
        """The ISO day of the next step, or None when every step is taken."""
        return self.w.iso(self.steps[0][0]) if self.steps else None

    def run_before(self, day: str | None, cancelled: Callable[[], bool] | None, progress: Progress) -> None:
        """Take every step dated before ``day`` (ISO; None: every step up to today), in date order."""
        limit = dt.date.fromisoformat(day).toordinal() if day else self.today + 1
        while self.steps and self.steps[0][0] < limit:
            if cancelled and cancelled():
                raise PjdeskError("已取消载入演示数据，未写入任何数据")
            self.day, _, name, args = heapq.heappop(self.steps)
            with ids_from(self._new_id):
                getattr(self, f"_{name}")(*args)
            self.store.flush()  # the step's derived state now, as its own commit would: the next step reads it
            if name == "inspect":
                self.done += 1
                progress()

    def _new_id(self) -> str:
        return self.w.make_id(self.day)

    def _view(self, code: str) -> Session:
        """The session a township's own station would have: on the county, the records are the township's."""
        station = self.session.require_station()
        if station.code == code:
            return self.session
        if code not in self.views:
            self.views[code] = replace(self.session, station=Station(
                TOWNSHIP, code, station_name(code), station.device, station.device_name))
        return self.views[code]

    # --- the steps ------------------------------------------------------------------------------------------
    def _draft(self, unit: dict, mode: str) -> dict:
        """What the check of the unit will find: ``results``, one per item of its sector's checklist (None:
        no checklist used), ``failed``, the positions of the items 不符合."""
        w = self.w
        if not (is_enforcement(mode) or w.chance(0.75)):  # a quick walk round is sometimes written up in a line
            return {"results": None, "failed": []}
        rows = checklist_for(unit["sector"]).items
        results = [NOT_APPLICABLE if w.chance(0.1) else PASSED for _ in rows]
        return {"results": results, "failed": self._fail_some(results, rows, mode, unit)}

    def _inspect(self, unit: dict, mode: str, draft: dict) -> None:
        session, w, day = self._view(unit["township"]), self.w, self.day
        enforcement = is_enforcement(mode)
        checklist = inspection_service.checklist_rows(session, unit["id"])
        items, failed = [], sorted(draft["failed"])
        if draft["results"] is not None:
            for row, result in zip(checklist["items"], draft["results"], strict=True):
                items.append({"code": row["code"], "text": row["text"], "result": result,
                              "note": w.pick(OBSERVED) if result == FAILED else None})
        stop = enforcement and any(checklist["items"][i]["major"] for i in failed) and unit["is_high_risk"] \
            and w.chance(0.6)
        fine = w.pick(FINES_YUAN) * 100 if enforcement and failed and w.chance(0.08) else None
        values = {
            "date": w.iso(day), "unit_id": unit["id"], "mode": mode, "officers": self._officers(unit, mode),
            "checklist": checklist["checklist"] if items else None, "items": items,
            "content": self._content(unit, mode, checklist["title"] if items else None),
            "findings": self._findings(items, failed), "measures": self._measures(failed, stop, fine),
            "unit_signer": unit["principal"], "stop_order": 1 if stop else 0, "fine": fine,
            "random_draw_ref": f"平江县双随机〔{dt.date.fromordinal(day).year}〕{w.between(1, 13)}-{w.between(1, 60):02d}"
            if mode == RANDOM else None,
        }
        inspection_id = save_record(session, INSPECTION, values).id
        self.counts["inspections"] += 1
        documented = enforcement and self._documented(bool(failed))
        if not failed:
            if documented:
                self._issue(session, SITE_RECORD_TYPE, inspection_id)
            return
        majors = any(checklist["items"][i]["major"] for i in failed)
        deadline = day + (w.between(30, 91) if majors else w.pick(DEADLINE_DAYS))
        outcome = inspection_service.hazards_from_items(
            session, inspection_id, deadline=w.iso(deadline),
            measures="对照检查项的要求逐项整改，整改完成后书面报告，申请复查")
        self.store.flush()
        hazard_ids = sorted(outcome.changed["hazard"])
        self.counts["found_at_inspections"] += len(hazard_ids)
        self.found_hazards += hazard_ids
        self._complete_majors(session, unit, hazard_ids, deadline)
        if documented:
            self._issue(session, SITE_RECORD_TYPE, inspection_id)
            self._issue(session, ORDER_TYPE, inspection_id)
        else:  # no 指令书 printed here: the ledger still has the notice given on the spot
            for hazard_id in hazard_ids:
                hazard_service.notify_rectification(session, hazard_id, w.iso(day), note="现场下达隐患整改通知")
        if w.chance(0.05) or not self.before_photos:  # the first one, whatever the size of the demo
            self._photo(session, "inspection", inspection_id, "现场")
            self._photo(session, "hazard", hazard_ids[0], "整改前")
            self.before_photos.add(hazard_ids[0])
        if documented and (w.chance(0.3) or not self.scanned):  # the signed 现场检查记录, scanned
            self._photo(session, "inspection", inspection_id, "文书扫描件")
            self.scanned = True
        if w.chance(0.96):  # a few are never followed up: open, and in time overdue
            self._schedule(max(day + 1, deadline + w.between(-3, 7)), "review", unit, inspection_id, 1)

    def _fail_some(self, results: list[str], rows, mode: str, unit: dict) -> list[int]:
        """Mark a few applicable items 不符合 (a 重大 item now and then); returns their positions."""
        w = self.w
        if not w.chance(FINDS[mode]):
            return []
        applicable = [i for i, result in enumerate(results) if result == PASSED]
        ordinary = [i for i in applicable if not rows[i].major]
        major = [i for i in applicable if rows[i].major]
        chosen = w.rng.sample(ordinary, min(w.pick(FAILED_COUNT), len(ordinary)))
        if major and w.chance(0.12 if unit["is_high_risk"] else 0.05):
            chosen.append(w.pick(major))
        for i in chosen:
            results[i] = FAILED
        return sorted(chosen)

    def _complete_majors(self, session: Session, unit: dict, hazard_ids: list[str], deadline: int) -> None:
        """A 重大 hazard's 五落实, filled in by the officer after the inspection; a few recent ones not yet."""
        w = self.w
        for hazard_id in hazard_ids:
            hazard = self.store.get(HAZARD, hazard_id)
            if hazard["level"] != MAJOR or (self.today - self.day < 120 and w.chance(0.3)):
                continue
            hazard_service.edit_hazard(session, hazard_id, {
                "resp_person": unit["principal"], "funds": w.between(2, 40) * 1_000_000,
                "emergency_plan": "已制定专项应急处置方案，明确警戒、疏散和报告程序",
                "interim_controls": w.pick(("设置警戒区域，停止相关区域作业", "安排专人24小时值守巡查",
                                            "停产整改，撤出作业人员")),
                "governance_plan": f"成立以{unit['principal']}为组长的整改小组，{w.iso(deadline)}前完成整改"})

    def _review(self, unit: dict, inspection_id: str, round_: int) -> None:
        """整改复查 of the inspection's open hazards; 销号 a few days after for those that pass, another
        review a week or two later for those that do not."""
        session, w, day = self._view(unit["township"]), self.w, self.day
        hazards = inspection_service.reviewable_hazards(session, inspection_id)
        if not hazards:
            return
        # A failing review now and then (less often the second time); the rest rectified before the visit.
        results = []
        for hazard in hazards:
            passed = w.chance(0.88 if round_ == 1 else 0.97)
            results.append({"hazard_id": hazard["id"], "passed": passed,
                            "note": w.pick(PASS_NOTES) if passed else w.pick(FAIL_NOTES),
                            "rectified_date": w.iso(max(day - w.between(0, 5), dt.date.fromisoformat(
                                hazard["found_date"]).toordinal()))})
        review = inspection_service.record_review(
            session, inspection_id, date=w.iso(day), results=results, officers=self._officers(unit, REVIEW_MODE),
            unit_signer=unit["principal"],
            measures="整改合格的隐患予以销号" if all(r["passed"] for r in results) else "未整改到位的，责令继续整改")
        self.store.flush()
        self.counts["inspections"] += 1
        order = [d for d in inspection_service.inspection_documents(session, inspection_id)
                 if d["doc_type"] == ORDER_TYPE]
        if order:
            self._issue(session, REVIEW_TYPE, review.id)
        passed = [r["hazard_id"] for r in results if r["passed"]]
        if passed:
            self._schedule(day + w.between(0, 6), "close", unit, passed)
        if len(passed) < len(results):
            self._schedule(day + w.between(7, 16), "review", unit, inspection_id, round_ + 1)

    def _close(self, unit: dict, hazard_ids: list[str]) -> None:
        session, w = self._view(unit["township"]), self.w
        for hazard_id in hazard_ids:
            hazard = self.store.get(HAZARD, hazard_id)
            if missing_major_items(hazard):  # a 重大 hazard is not 销号 while it lacks an item
                continue
            hazard_service.close_hazard(session, hazard_id, w.iso(self.day), note="隐患已消除，同意销号")
            if hazard_id in self.before_photos:  # the same place, put right
                self._photo(session, "hazard", hazard_id, "整改后")

    # --- what the steps write -------------------------------------------------------------------------------
    def _officers(self, unit: dict, mode: str) -> list[dict]:
        """Two of the township's officers (one, now and then, for a 日常巡查); a 联合检查 adds someone of the
        unit's department. An enforcement check now and then without 执法证号, as sheets keep them (待补充)."""
        w, code = self.w, unit["township"]
        names = w.two(w.officers[code]).split("、")
        if mode == ROUTINE and w.chance(0.3):
            names = names[:1]
        people = [{"name": n, "cert_no": self.certs[code][n]} for n in names]
        if mode == "联合检查":
            people.append({"name": f"{unit['lead_dept']} {w.person()}"[:30], "cert_no": f"4306269{w.between(0, 10**4):04d}"})
        if mode == ROUTINE or (is_enforcement(mode) and w.chance(0.05)):
            people = [{"name": p["name"], "cert_no": None} for p in people]
        return people

    def _content(self, unit: dict, mode: str, title: str | None) -> str:
        w = self.w
        if mode == "专项检查":
            lead = f"开展{w.pick(SPECIAL_CAMPAIGNS)}"
        elif mode == "举报核查":
            lead = f"核查{w.pick(REPORT_CHANNELS)}反映的问题"
        elif mode == "联合检查":
            lead = f"会同{unit['lead_dept']}开展联合检查"
        elif mode == "暗查暗访":
            lead = "不打招呼、直奔现场开展暗查暗访"
        elif mode == ROUTINE:
            lead = "日常安全巡查"
        else:
            lead = f"开展{mode}检查"
        return lead + (f"，按《{title}》逐项检查" if title else "，重点查看消防通道、用电安全和灭火器材")

    @staticmethod
    def _findings(items: list[dict], failed: list[int]) -> str:
        if not failed:
            return "未发现问题。"
        listed = "；".join(f"{n}. 不符合“{items[i]['text']}”的要求" for n, i in enumerate(failed, 1))
        return f"发现问题 {len(failed)} 项：{listed}。"

    @staticmethod
    def _measures(failed: list[int], stop: bool, fine: int | None) -> str:
        if not failed:
            return "督促单位落实安全生产主体责任，做好日常隐患自查。"
        text = "责令限期整改，整改完成后书面报告，逾期未整改的依法处理"
        if stop:
            text += "；存在重大事故隐患，责令停产整顿，隐患消除并经复查合格后方可恢复生产"
        if fine:
            text += f"；依法处罚款 {fine // 100:,} 元"
        return text + "。"

    def _documented(self, found: bool) -> bool:
        recent = self.today - self.day < RECENT_DAYS
        return self.w.chance(self.documented_share[recent]) and (recent or found)

    def _issue(self, session: Session, doc_type: str, inspection_id: str) -> None:
        issued = document_service.issue_document(session, doc_type, inspection_id)
        self.counts["documents"] += issued.new

    def _photo(self, session: Session, kind: str, record_id: str, label: str) -> None:
        when = dt.datetime.combine(dt.date.fromordinal(self.day), dt.time(9)) + dt.timedelta(
            seconds=self.w.between(0, 8 * 3600))
        name = f"IMG_{when:%Y%m%d_%H%M%S}.png" if label != "文书扫描件" else f"扫描件_{when:%Y%m%d}_{next(self.photo_serial)}.png"
        data = demo_picture(self.w.rng, label)
        outcome = attachment_service.attach(session, kind, record_id, data, name=name, label=label)
        self.counts["attachments"] += len(outcome.changed.get("attachment", ()))


# --- pictures ---------------------------------------------------------------------------------------------------
WIDTH, HEIGHT = 240, 180


def demo_picture(rng: random.Random, label: str) -> bytes:
    """A small PNG that stands for a photo of the label's kind: a room with boxes and a sign (现场, 整改前, more
    clutter; 整改后, tidy), or a scanned page with lines of text and a red seal (文书扫描件)."""
    if label == "文书扫描件":
        rows = [bytearray(b"\xf6\xf4\xef" * WIDTH) for _ in range(HEIGHT)]
        for y in range(24, HEIGHT - 30, 9):
            _fill(rows, 20, y, rng.randrange(120, WIDTH - 20), y + 3, (90, 90, 90))
        _fill(rows, WIDTH - 80, HEIGHT - 60, WIDTH - 30, HEIGHT - 14, (200, 40, 40))
        _fill(rows, WIDTH - 74, HEIGHT - 54, WIDTH - 36, HEIGHT - 20, (246, 244, 239))
    else:
        wall = (rng.randrange(170, 225), rng.randrange(165, 215), rng.randrange(150, 200))
        rows = []
        for y in range(HEIGHT):
            shade = 1.0 - 0.25 * y / HEIGHT
            colour = wall if y < HEIGHT * 2 // 3 else (110, 105, 100)
            rows.append(bytearray(bytes(int(c * shade) for c in colour) * WIDTH))
        _fill(rows, 18, 20, 58, 40, (30, 150, 70))  # the exit sign
        boxes = rng.randrange(0, 2) if label == "整改后" else rng.randrange(3, 7)
        for _ in range(boxes):
            x, h = rng.randrange(0, WIDTH - 40), rng.randrange(20, 60)
            _fill(rows, x, HEIGHT * 2 // 3 + 10 - h, x + rng.randrange(25, 50), HEIGHT * 2 // 3 + 10,
                  (rng.randrange(120, 170), rng.randrange(80, 110), rng.randrange(40, 70)))
        x = rng.randrange(WIDTH // 2, WIDTH - 20)
        _fill(rows, x, HEIGHT * 2 // 3 - 30, x + 10, HEIGHT * 2 // 3 + 8, (200, 30, 30))  # an extinguisher
    return _png(rows)


def _fill(rows: list[bytearray], x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
    x0, x1 = max(0, x0), min(WIDTH, x1)
    for y in range(max(0, y0), min(HEIGHT, y1)):
        rows[y][3 * x0:3 * x1] = bytes(colour) * (x1 - x0)


def _png(rows: list[bytearray]) -> bytes:
    """RGB rows as a PNG file: the signature, IHDR, one zlib-compressed IDAT, IEND (each chunk with its CRC)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    raw = b"".join(b"\x00" + bytes(row) for row in rows)  # filter type 0 (none) on every row
    header = struct.pack(">IIBBBBB", len(rows[0]) // 3, len(rows), 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
