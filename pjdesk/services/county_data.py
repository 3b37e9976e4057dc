"""County documents (县级下发): the roster of townships and devices, the targets with the ranking's weights, and
the rankings. The county puts them in every bundle it sends; a station that receives them keeps the newest
of each and takes the county's revocations of devices.

The county's key is the only one allowed to send them (sync refuses them from a township), so what is kept
here is the county's word. Older bundles read late never replace what a newer one brought: documents are
ordered by the stamp of the county's clock when the bundle was made.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict

from pjdesk.core.townships import COUNTY_CODE, townships
from pjdesk.indicators import targets
from pjdesk.storage import sync_store
from pjdesk.sync import BundleRefused

from .people_rates import MINIMUM_SETTING
from .session import Session

ROSTER, TARGETS, RANKING = "roster", "targets", "ranking"
DOCUMENTS = (ROSTER, TARGETS, RANKING)
LABELS = {ROSTER: "名册", TARGETS: "目标任务", RANKING: "排名"}
RANKING_CONFIG_KEY = "ranking_config"
# Who revoked a device that this station revoked on the county's word (sync_device.revoked_by): only those
# revocations follow the county's roster back when the county restores the device.
REVOKED_BY_COUNTY = "县级名册"
ROSTER_DEVICE_FIELDS = ("device", "station", "role", "name", "fingerprint", "public_key", "revoked_at")


def setting_key(name: str) -> str:
    return f"county.{name}"


# --- what the county sends ---------------------------------------------------------------------------------
def county_payloads(session: Session) -> dict[str, object]:
    """The county's documents by name, as JSON-able data; the ranking only once pjdesk can rank."""
    payloads = {ROSTER: roster_payload(session), TARGETS: targets_payload(session)}
    ranking = ranking_payload(session)
    if ranking is not None:
        payloads[RANKING] = ranking
    return payloads


def roster_payload(session: Session) -> dict:
    """The townships of the roster and every device the county knows, revoked ones with the time."""
    return {"townships": [asdict(t) for t in townships()],
            "devices": [{k: d[k] for k in ROSTER_DEVICE_FIELDS} for d in sync_store.devices(session.store)]}


def targets_payload(session: Session) -> dict:
    """The targets the county computes against, and its ranking weights, training hours and edits of the
    targets' values and weights when it has set its own."""
    payload: dict = {"targets": [asdict(t) for t in targets()]}
    chosen = session.store.setting(RANKING_CONFIG_KEY)
    if chosen:
        payload["ranking_config"] = json.loads(chosen)
    minimum = session.store.setting(MINIMUM_SETTING)  # the county's yearly training hours (people_rates)
    if minimum:
        payload["training_minimum"] = json.loads(minimum)
    # The county's target values and weights of the year (services.targets).
    from .targets import EDITS_SETTING

    edits = session.store.setting(EDITS_SETTING)
    if edits:
        payload["edits"] = json.loads(edits)
    from .forest_areas import county_figures  # each township's 森林总面积 (T42, 表8)

    forest = county_figures(session)
    if forest:
        payload["forest_area_ha"] = forest
    return payload


def ranking_payload(session: Session) -> dict | None:
    try:
        from .ranking import for_send_down
    except ModuleNotFoundError as e:
        if e.name != f"{__package__}.ranking":
            raise
        return None  # a pjdesk without the ranking sends the rest
    return for_send_down(session)


# --- what a station keeps of them --------------------------------------------------------------------------
def check_documents(documents: Mapping[str, object]) -> None:
    """Refuse, before anything is written, a county document this station would act on but cannot read."""
    roster = documents.get(ROSTER)
    if roster is None:
        return
    devices = roster.get("devices") if isinstance(roster, dict) else None
    if not isinstance(devices, list) or not all(_is_roster_device(d) for d in devices):
        raise BundleRefused("县级名册（county/roster.json）格式错误：设备名册无法读取")


def _is_roster_device(entry) -> bool:
    return (isinstance(entry, dict)
            and all(isinstance(entry.get(k), str) for k in ("device", "station", "role", "fingerprint", "public_key"))
            and isinstance(entry.get("revoked_at"), str | None))


def keep_documents(session: Session, documents: Mapping[str, object], *, stamp: str, made_at: str | None,
                   received_at: str) -> dict[str, set[str]]:
    """Keep each known document that is newer than the one kept (by ``stamp``); follow a newer roster's
    revocations. Inside the import's transaction. Returns what changed: {"county": names, "device": ids}."""
    store = session.store
    newer = {name: data for name, data in documents.items()
             if name in DOCUMENTS and stamp > (_kept(session, name) or {}).get("stamp", "")}
    store.set_settings({setting_key(name): json.dumps(
        {"stamp": stamp, "made_at": made_at, "received_at": received_at, "data": data}, ensure_ascii=False)
        for name, data in newer.items()})
    changed: dict[str, set[str]] = {"county": set(newer)}
    if ROSTER in newer:
        changed["device"] = follow_revocations(session, newer[ROSTER]["devices"])
    return changed


def follow_revocations(session: Session, listed: list[dict]) -> set[str]:
    """Devices the county lists as revoked are revoked here too; those it restored, and that were revoked here
    only on its word, are restored. This station's own device and other townships' devices are left alone."""
    station = session.require_station()
    changed = set()
    for device in listed:
        if device["device"] == station.device or not (
                station.is_county or device["station"] in (station.code, COUNTY_CODE)):
            continue
        if device["revoked_at"]:
            done = sync_store.revoke_listed(session.store, device, at=device["revoked_at"], by=REVOKED_BY_COUNTY)
        else:
            done = sync_store.restore_listed(session.store, device["device"], by=REVOKED_BY_COUNTY)
        if done:
            changed.add(device["device"])
    return changed


def kept_note(kept: Mapping[str, set[str]]) -> str:
    """What an import took from the county's documents, to add to its message (empty: nothing)."""
    names = [LABELS[name] for name in DOCUMENTS if name in kept.get("county", ())]
    note = f"；已更新县级下发的{'、'.join(names)}" if names else ""
    if kept.get("device"):
        note += f"；按县级名册吊销或恢复了 {len(kept['device'])} 台设备"
    return note


def county_data(session: Session) -> dict:
    """What this station last received from the county, for the UI to show.

    {"roster", "targets", "ranking"}: each document's data, or None if none came yet; "made_at" and
    "received_at": when the newest of them was made at the county and read here (None: nothing yet);
    "documents": the same two times for each document received.
    """
    kept = {name: _kept(session, name) for name in DOCUMENTS}
    dates = {name: {"made_at": k["made_at"], "received_at": k["received_at"]} for name, k in kept.items() if k}
    newest = max((k for k in kept.values() if k), key=lambda k: k["stamp"], default=None)
    return {**{name: k["data"] if k else None for name, k in kept.items()},
            "made_at": newest["made_at"] if newest else None,
            "received_at": newest["received_at"] if newest else None,
            "documents": dates}


def _kept(session: Session, name: str) -> dict | None:
    stored = session.store.setting(setting_key(name))
    return json.loads(stored) if stored else None


def own_standing(session: Session) -> dict | None:
    """This township's place in the newest ranking the county sent: month, rank, score, how many were ranked
    (``ranked``) and of them how many only for not reporting (``unreported``: placed last, as the county's
    configuration may say), whether it is marked for 约谈. None before any ranking arrived."""
    ranking = county_data(session)["ranking"]
    if not ranking or not ranking.get("months"):
        return None
    month = max(ranking["months"])
    standings = ranking["months"][month]
    own = next((s for s in standings if s["code"] == session.require_station().code), None)
    if own is None:
        return None
    return {"month": month, "rank": own["rank"], "score": own["score"], "interview": own["interview"],
            "ranked": sum(s["rank"] is not None for s in standings),
            "unreported": sum(s["rank"] is not None and bool(s.get("unreported")) for s in standings)}
