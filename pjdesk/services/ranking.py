"""排名: the county's monthly ranking of the townships on the hazard targets (plan §二(五)1).

Each indicator is a rate over the year to the month's end, computed from the hazards as they stood then
(the same definitions as 表2 and the targets). A township's score is the weighted mean of the indicators it
has data for, times 100: an indicator with nothing to count (no hazards due, none found) neither helps nor
hurts it. A township with no data at all is listed unranked. The bottom places are marked for 约谈, when
enough townships are ranked for a bottom to mean something.

A township that has not sent the county its file for the month (未报送, see services.unreported) is not scored
on the old figures the county holds: as the county's configuration says (``unreported``), it shares the last
place after every ranked township, and so counts for 约谈 (``last``, the default), or it is listed outside the
ranking with the reason (``outside``). One whose deadline has not yet passed (待报送) is always listed outside.

Which indicators count and their weights are county data: defaults in resources/config/ranking.json, the
county's own choice in its settings, sent down to the townships with the ranking.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.core.resources import load_config
from pjdesk.core.townships import county_name, townships
from pjdesk.forms import FilledForm, ranking_form
from pjdesk.indicators import HAZARDS, Measure, rules
from pjdesk.indicators.targets import reads
from pjdesk.storage.period_facts import hazards_as_of

from .reporting import DUE, MISSING
from .return_figures import table2_counts
from .session import Session
from .unreported import unreported_townships

CONFIG_KEY = "ranking_config"
INTERVIEW = "约谈"
SENT_MONTHS = 3  # the rankings a county bundle carries: the last months ended
HAZARD_INDICATORS = ("general_fix_rate", "major_on_time_rate")  # the ledger's own two rates (表2's counts)
UNREPORTED_LAST, UNREPORTED_OUTSIDE = "last", "outside"  # where a township that has not reported is placed
UNREPORTED_PLACES = {UNREPORTED_LAST: "排在末位（并列），计入约谈", UNREPORTED_OUTSIDE: "不参加排名，注明未报送"}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    weight: float


@dataclass(frozen=True)
class RankingConfig:
    indicators: tuple[Indicator, ...]
    interview: int  # how many places at the bottom are marked for 约谈
    min_ranked: int  # with fewer townships ranked than this, nobody is marked
    unreported: str = UNREPORTED_LAST  # a township that has not reported the month: UNREPORTED_PLACES

    @property
    def counted(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.weight > 0)

    def to_json(self) -> dict:
        return {"indicators": [{"id": i.id, "name": i.name, "weight": i.weight} for i in self.indicators],
                "interview": self.interview, "min_ranked": self.min_ranked, "unreported": self.unreported}

    @property
    def described(self) -> str:
        weights = "、".join(f"{i.name} {i.weight:g}" for i in self.counted)
        return f"权重：{weights}。"


@dataclass(frozen=True)
class Standing:
    code: str
    name: str
    measures: dict[str, Measure]
    score: float | None  # 0–100, rounded to 0.1; None: no data for any counted indicator
    rank: int | None = None
    interview: bool = False
    unreported: str = ""  # 未报送 or 待报送 when the county lacks the township's file of the month

    @property
    def score_text(self) -> str:
        if self.unreported:
            return self.unreported
        return "无数据" if self.score is None else f"{self.score:.1f}"

    def value(self, indicator_id: str) -> float | None:
        return self.measures[indicator_id].value


@dataclass(frozen=True)
class Ranking:
    month: Month
    config: RankingConfig
    standings: list[Standing]  # ranked by place, then the unranked in roster order

    @property
    def interviewed(self) -> list[Standing]:
        return [s for s in self.standings if s.interview]


# --- configuration -----------------------------------------------------------------------------------------
def default_config() -> RankingConfig:
    """The county's defaults (resources/config/ranking.json), and every other rate of the plan a township is
    judged on as an indicator it may weigh (0 until it does)."""
    base = _config(load_config("ranking"))
    listed = {i.id for i in base.indicators}
    return replace(base, indicators=(*base.indicators, *(i for i in rankable() if i.id not in listed)))


def rankable() -> list[Indicator]:
    """The plan's rates that pjdesk computes for each township, the higher the better (not a year-on-year
    change, not a county total): each may be an indicator of the ranking."""
    from pjdesk.indicators.targets import targets

    computed = rules()
    return [Indicator(t.id, t.name, 0.0) for t in targets() if t.id in computed and t.level != "county"
            and t.unit == "%" and t.comparator in ("=", ">=") and "同比" not in t.name]


def ranking_config(session: Session) -> RankingConfig:
    """The county's weights (or, on a township, the defaults)."""
    saved = session.store.setting(CONFIG_KEY)
    if not saved:
        return default_config()
    chosen = json.loads(saved)
    base = default_config()
    weights = chosen.get("weights", {})
    unreported = chosen.get("unreported", base.unreported)
    return replace(base, indicators=tuple(replace(i, weight=float(weights.get(i.id, i.weight)))
                                          for i in base.indicators),
                   interview=int(chosen.get("interview", base.interview)),
                   unreported=unreported if unreported in UNREPORTED_PLACES else base.unreported)


def set_ranking_config(session: Session, weights: Mapping[str, float], interview: int,
                       unreported: str | None = None) -> RankingConfig:
    """County only: the weight of each indicator (0 leaves it out), how many are marked for 约谈, and where a
    township that has not reported the month is placed (UNREPORTED_PLACES; None keeps the current choice)."""
    if not session.require_station().is_county:
        raise PjdeskError("排名的指标和权重由县级设置")
    known = {i.id: i for i in default_config().indicators}
    unknown = sorted(set(weights) - set(known))
    if unknown:
        raise PjdeskError(f"没有这些排名指标：{'、'.join(unknown)}")
    for key, weight in weights.items():
        if not isinstance(weight, int | float) or not 0 <= weight <= 100:
            raise PjdeskError(f"“{known[key].name}”的权重应在 0 至 100 之间")
    if not any(weights.get(k, i.weight) > 0 for k, i in known.items()):
        raise PjdeskError("至少要有一项指标的权重大于 0")
    if not isinstance(interview, int) or not 0 <= interview <= 10:
        raise PjdeskError("约谈的名次数应在 0 至 10 之间")
    unreported = ranking_config(session).unreported if unreported is None else unreported
    if unreported not in UNREPORTED_PLACES:
        raise PjdeskError(f"未报送乡镇的排法只能是：{'、'.join(UNREPORTED_PLACES.values())}")
    session.store.set_settings({CONFIG_KEY: json.dumps({"weights": dict(weights), "interview": interview,
                                                        "unreported": unreported},
                                                       ensure_ascii=False, sort_keys=True)})
    return ranking_config(session)


def _config(data: Mapping) -> RankingConfig:
    unreported = data.get("unreported", UNREPORTED_LAST)
    if unreported not in UNREPORTED_PLACES:
        raise PjdeskError(f"排名配置的 unreported 只能是 {'、'.join(UNREPORTED_PLACES)}，而不是“{unreported}”")
    return RankingConfig(tuple(Indicator(i["id"], i["name"], float(i["weight"])) for i in data["indicators"]),
                         int(data.get("interview", 3)), int(data.get("min_ranked", 1)), unreported)


# --- the ranking -------------------------------------------------------------------------------------------
def rank_month(session: Session, month: Month) -> Ranking:
    """County only: every township of the roster, placed by its score for ``month``."""
    if not session.require_station().is_county:
        raise PjdeskError("排名只在县级站点生成；乡镇可在导入县级文件后查看县级下发的排名")
    config = ranking_config(session)
    end = min(month.end, session.today())
    facts = hazards_as_of(session.store, year_start=month.year_start.isoformat(), end=end.isoformat())
    by_township: dict[str, list[dict]] = {}
    for h in facts:
        by_township.setdefault(h["township"], []).append(h)
    missing = unreported_townships(session, month)
    # Indicators that are not the hazards' (training, enforcement, teams …): every township's rows of the plan.
    evaluated: dict[str, dict[str, Measure]] = {}
    if any(i.id not in HAZARD_INDICATORS and reads(i.id) != HAZARDS for i in config.counted):
        from .targets import township_status

        evaluated = {code: {e.target.id: e.measure for e in rows}
                     for code, rows in township_status(session, month).items()}
    standings = []
    for t in townships():
        if t.code in missing:  # the figures held are an older month's: neither shown nor scored
            measures = {i.id: Measure(None, 0) for i in config.indicators}
            standings.append(Standing(t.code, t.name, measures, None, unreported=missing[t.code]))
            continue
        measures = indicator_measures(by_township.get(t.code, []), month, end.isoformat(), config,
                                      evaluated.get(t.code, {}))
        standings.append(Standing(t.code, t.name, measures, score(measures, config)))
    return Ranking(month, config, place(standings, config))


def indicator_measures(facts: list[dict], month: Month, end: str, config: RankingConfig,
                       evaluated: Mapping[str, Measure] | None = None) -> dict[str, Measure]:
    """Each indicator's two counts for one township, from 1 January to ``end``: from its hazards (``facts``),
    or for another rate of the plan from its evaluated rows (``evaluated``, target id → measure)."""
    counts = table2_counts(facts, month)
    start = month.year_start.isoformat()
    targets = rules()
    measures = {}
    for indicator in config.indicators:
        if indicator.id == "general_fix_rate":
            measures[indicator.id] = Measure(counts["general_fixed_ytd"], counts["general_found_ytd"])
        elif indicator.id == "major_on_time_rate":
            measures[indicator.id] = Measure(counts["major_closed_on_time"], counts["major_due"])
        elif reads(indicator.id) == HAZARDS:
            measures[indicator.id] = targets[indicator.id](facts, start, end)
        else:
            measures[indicator.id] = (evaluated or {}).get(indicator.id) or Measure(None, 0)
    return measures


def score(measures: Mapping[str, Measure], config: RankingConfig) -> float | None:
    """The weighted mean of the counted indicators that have data, ×100, rounded as printed (0.1)."""
    weighed = [(i.weight, measures[i.id].value) for i in config.counted if measures[i.id].value is not None]
    total = sum(w for w, _ in weighed)
    if not total:
        return None
    return round(100 * sum(w * v for w, v in weighed) / total, 1)


def place(standings: Iterable[Standing], config: RankingConfig) -> list[Standing]:
    """Rank by score (equal scores share a place, the next place skips), mark the bottom for 约谈.

    Townships tied with the last place marked are marked too: a tie cannot be broken by roster order. Those
    that have not reported (MISSING) share the place after the last ranked when the county says so; nobody is
    marked unless at least ``min_ranked`` townships were scored.
    """
    standings = list(standings)
    behind = [s for s in standings if s.unreported == MISSING and config.unreported == UNREPORTED_LAST]
    ranked = sorted((s for s in standings if s.score is not None and not s.unreported), key=lambda s: -s.score)
    unranked = [s for s in standings if s not in ranked and s not in behind]
    placed = [replace(s, rank=1 + sum(o.score > s.score for o in ranked)) for s in ranked]
    placed += [replace(s, rank=len(ranked) + 1) for s in behind]

    def key(s: Standing) -> float:
        return float("-inf") if s.score is None else s.score

    if config.interview and len(ranked) >= config.min_ranked and len(placed) >= config.interview + 1:
        threshold = sorted(key(s) for s in placed)[config.interview - 1]
        placed = [replace(s, interview=key(s) <= threshold) for s in placed]
    return placed + unranked


# --- printing and sending down -------------------------------------------------------------------------------
def fill_ranking(session: Session, month: Month, ranking: Ranking | None = None) -> FilledForm:
    """The ranking as a printable form (PDF and XLSX through the returns engine)."""
    ranking = ranking or rank_month(session, month)
    counted = ranking.config.counted
    rows = [{"label": s.name, "rank": s.rank, "score": s.score_text,
             **{f"v_{i.id}": s.value(i.id) for i in counted},
             "interview": INTERVIEW if s.interview else ""}
            for s in ranking.standings]
    notes = (f"得分＝各项指标（1月1日至月末）按权重的加权平均×100；某项无数据的不计入该乡镇的权重。"
             f"{ranking.config.described}",
             f"排名末{ranking.config.interview}位的乡镇（街道）标注“约谈”；“无数据”的未参加排名。",
             unreported_note(ranking))
    return FilledForm(
        spec=ranking_form([(f"v_{i.id}", i.name) for i in counted]), unit_name=county_name(),
        unit_code=session.require_station().code, period_label=month.label, preparer=session.operator,
        reviewer=session.store.setting("reviewer") or "", filled_date=session.today(), rows=rows, notes=notes)


def unreported_note(ranking: Ranking) -> str:
    """What the ranking did with the townships that have not reported the month."""
    missing = [s.name for s in ranking.standings if s.unreported == MISSING]
    due = [s.name for s in ranking.standings if s.unreported == DUE]
    if not missing and not due:
        return "各乡镇（街道）均已报送本月交换文件。"
    parts = []
    if missing:
        where = ("排在末位（名次并列）" if ranking.config.unreported == UNREPORTED_LAST else "不参加排名")
        parts.append(f"未报送本月交换文件的{'、'.join(missing)}不按县里已有的旧数据计分，{where}")
    if due:
        parts.append(f"尚在报送期限内的{'、'.join(due)}待报送，暂不参加排名")
    return "；".join(parts) + "。"


def for_send_down(session: Session) -> dict:
    """The county's configuration and its rankings of the last months ended, as JSON-able data."""
    month = Month.of(session.today()).previous()
    months = []
    for _ in range(SENT_MONTHS):
        months.append(month)
        month = month.previous()
    return {"config": ranking_config(session).to_json(),
            "months": {m.key: [standing_json(s) for s in rank_month(session, m).standings] for m in months}}


def standing_json(s: Standing) -> dict:
    return {"code": s.code, "name": s.name, "score": s.score, "rank": s.rank, "interview": s.interview,
            "unreported": s.unreported,
            "measures": {k: [m.numerator, m.denominator] for k, m in s.measures.items()}}
