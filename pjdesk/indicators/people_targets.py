"""The targets on people, training and certificates (工作方案 §二(三)3 危化, §二(五) 责任): T17, T18a, T18b,
T51 and T52, as of the last day D of the period.

Each rate is declared once as a ``PeopleRate``: who is in its base (by 岗位类别, the unit's sector, 高危企业)
and what counts a person in its numerator (a training 考核合格 in the year, the year's hours reaching the
minimum, or one of some certificate types valid on D). Every person counted is 在册 on D. The rules sum the
grouped counts of pjdesk.storage.people_facts (``PeopleFacts``); the lists of people behind a number apply
the same declaration to the persons' rows, and say what each person lacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pjdesk.core.qualifications import SPECIAL_CERTIFICATES, SPECIAL_OPERATOR

from .targets import Measure, rule

PEOPLE = "people"  # the kind of facts these rules read (pjdesk.indicators.targets)

MANAGEMENT_CERTIFICATE = "安全生产知识和管理能力考核合格证"
THREE_CLASSES = ("分管负责人", "专职安全管理人员", "班组长")  # 三类人员 as the plan defines them (not 主要负责人)
SAFETY_MANAGER, HIGH_RISK_OPERATOR = "专职安全管理人员", "高风险岗位操作人员"
HAZCHEM = "危化"
SECONDED, FLEXIBLE = "劳务派遣", "灵活用工"  # 表6 splits T52's count by these 用工形式

TRAINED, HOURS_MET, CERTIFIED = "trained", "hours_met", "certified"


@dataclass(frozen=True)
class PeopleFacts:
    # The persons 在册 on D grouped by pjdesk.storage.people_facts.GROUPED, each group with ``people``.
    groups: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class PeopleRate:
    id: str
    roles: tuple[str, ...] | None = None  # base: these 岗位类别 (None: everyone)
    sector: str | None = None  # base: in units of this sector
    high_risk_unit: bool = False  # base: in units marked 高危企业
    counts: str = TRAINED  # numerator: TRAINED, HOURS_MET or CERTIFIED
    certificates: tuple[str, ...] = ()  # CERTIFIED: one of these valid on D

    def base_filter(self) -> dict:
        """The base as the arguments of pjdesk.storage.people_facts.people_rows."""
        return {"roles": self.roles, "sector": self.sector, "high_risk_unit": self.high_risk_unit}

    def in_base(self, person: Mapping) -> bool:
        return ((self.roles is None or person["role_class"] in self.roles)
                and (self.sector is None or person["sector"] == self.sector)
                and (not self.high_risk_unit or bool(person["high_risk"])))

    def in_numerator(self, person: Mapping) -> bool:
        if self.counts == CERTIFIED:
            held = person["certs"]
            held = held.split("|") if isinstance(held, str) else held
            return any(c in held for c in self.certificates)
        return bool(person[self.counts])

    def measure(self, groups: Iterable[Mapping]) -> Measure:
        numerator = denominator = 0
        for g in groups:
            if self.in_base(g):
                denominator += g["people"]
                numerator += g["people"] if self.in_numerator(g) else 0
        return Measure(numerator, denominator)

    def lacks(self, person: Mapping) -> str:
        """What a person of the base outside the numerator lacks, in words ("" for one counted)."""
        if self.in_numerator(person):
            return ""
        if self.counts == TRAINED:
            return "本年无考核合格的培训"
        if self.counts == HOURS_MET and not person["hours"]:
            return f"本年无考核合格的培训，应达 {person['required']:g} 学时"
        if self.counts == HOURS_MET:
            return f"本年考核合格培训 {person['hours']:g} 学时，应达 {person['required']:g} 学时"
        return f"无有效的{'或'.join(self.certificates)}"


RATES: dict[str, PeopleRate] = {r.id: r for r in (
    PeopleRate("T17", roles=THREE_CLASSES, high_risk_unit=True, counts=TRAINED),
    PeopleRate("T18a", roles=(SAFETY_MANAGER,), sector=HAZCHEM, counts=CERTIFIED,
               certificates=(MANAGEMENT_CERTIFICATE,)),
    PeopleRate("T18b", roles=(HIGH_RISK_OPERATOR,), sector=HAZCHEM, counts=CERTIFIED,
               certificates=("特种作业操作证",)),
    PeopleRate("T51", roles=(SPECIAL_OPERATOR,), counts=CERTIFIED, certificates=SPECIAL_CERTIFICATES),
    PeopleRate("T52", counts=HOURS_MET),
)}


def _register(rate: PeopleRate) -> None:
    @rule(rate.id, reads=PEOPLE)
    def computed(facts: PeopleFacts, start: str, end: str) -> Measure:
        return rate.measure(facts.groups)


for _rate in RATES.values():
    _register(_rate)


def employment_measure(rate: PeopleRate, groups: Iterable[Mapping], employment: str) -> Measure:
    """A rate over the persons of one 用工形式 (表6 splits T52 by 劳务派遣 and 灵活用工)."""
    return rate.measure(g for g in groups if g["employment"] == employment)
