"""Hazard numbers (隐患编号): 乡镇代码-年份-字母+序号, unique in the county without a network.

Each device of a township numbers in a series of its own letter (本机编号字母, pjdesk.core.hazard.NUMBER_LETTERS),
the serial counting per township, year and letter: the station PC's 430626101-2026-A0001 and its laptop's
430626101-2026-B0001 can never meet. A device's letter is kept in its settings (not synced: it is the device's).

Choosing a letter, offline. Unless a person chose one (set_letter), a device takes its letter when it first
numbers a hazard, from what it knows then: letters that numbers already carry belong to the device that used
them first; the other devices of the township it knows (its own, and those whose files it has read) take the
free letters in the order they began (their first change). So a laptop that reads the station's file before
it records takes the letter after the station's, and two devices that had exchanged files before letters
existed agree on who is A and who is B.

Two devices with one letter (set up apart, each taking A). Found out when one reads the other's file: the
numbers they both gave stay as they are (they may be on paper), clashes() lists them for the import summary,
status and the printed 台账, and the device that used the letter later this year moves to a free one at its
next number (LetterMoved). Every number a device gives is past the highest of its series it has seen, so once
the files have crossed, no new clash is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import ASSIGNED_SERIES, NUMBER_LETTERS, hazard_number, valid_number_letter

if TYPE_CHECKING:
    from .database import Store

LETTER_SETTING = "hazard_letter"
CHUNK = 500


def last_serial(store: Store, prefix: str) -> int:
    """The highest serial among the numbers that start with ``prefix`` (0: none), read as a range of the
    hazard_no index: LIKE cannot use it and would scan the ledger. Deleted hazards count: a number is never
    given twice."""
    row = store.db.execute(
        "SELECT MAX(CAST(substr(hazard_no, ?) AS INTEGER)) FROM hazard WHERE hazard_no >= ? AND hazard_no < ?",
        [len(prefix) + 1, prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)]).fetchone()
    return row[0] or 0


@dataclass(frozen=True)
class LetterMoved:
    """This device's letter was taken by another device first; from now on it numbers with ``new``."""

    old: str
    new: str
    by: str  # the other device's name

    @property
    def message(self) -> str:
        return (f"本机隐患编号字母由 {self.old} 改为 {self.new}：“{self.by}”先使用了 {self.old}。"
                f"已编的号不变，今后本机编号为 …-{self.new}0001 起。")


class HazardNumbering:
    """The numbers of one write batch of a township's hazards (Store.insert_many): each past the last of its
    series, the letter asked once per batch and year."""

    def __init__(self, store: Store, township: str):
        self.store, self.township = store, township
        self.last: dict[str, int] = {}
        self.letters: dict[str, str] = {}

    def assign(self, given: Mapping, fields: Mapping) -> dict:
        """The hazard's number: the one given (an import's, the county's 交办 series), else the next."""
        return {"hazard_no": given.get("hazard_no") or self.next(fields.get("found_date"))}

    def next(self, found_date: str | None) -> str:
        year = (found_date or "")[:4] or "0000"
        if year not in self.letters:
            self.letters[year] = letter_for(self.store, self.township, year)[0]
        prefix = hazard_number(self.township, year, self.letters[year], 0)[:-4]
        if prefix not in self.last:
            self.last[prefix] = last_serial(self.store, prefix)
        self.last[prefix] += 1
        return hazard_number(self.township, year, self.letters[year], self.last[prefix])


def letter_for(store: Store, township: str, year: str) -> tuple[str, LetterMoved | None]:
    """The letter this device numbers ``year``'s hazards with, chosen (and kept) if it had none, or moved (and
    kept) if another device used it first in that year. Inside or outside a transaction."""
    me = store.device
    letter = store.setting(LETTER_SETTING)
    if letter is None:
        letter = choose_letter(store, township)
        store.set_settings({LETTER_SETTING: letter})
        return letter, None
    users = _first_uses(store, hazard_number(township, year, letter, 0)[:-4])
    first = min(users.items(), key=lambda item: (item[1], item[0]), default=None)
    if first is None or first[0] == me:
        return letter, None
    new = choose_letter(store, township, avoid={letter})
    store.set_settings({LETTER_SETTING: new})
    return new, LetterMoved(letter, new, device_name(store, first[0]))


def current_letter(store: Store, township: str) -> str:
    """The letter this device numbers with, or would take at its next number (nothing is written)."""
    return store.setting(LETTER_SETTING) or choose_letter(store, township)


def set_letter(store: Store, township: str, letter: str) -> str:
    """A person's choice of this device's letter; refused when it is no letter of the series, when another
    device is known to number with it, or when it is the turn of another known device that has not numbered
    yet (the station PC that began first, before its first hazard)."""
    letter = valid_number_letter(letter)
    for other in _letter_owners(store, township).get(letter, ()):
        if other != store.device:
            raise PjdeskError(f"“{device_name(store, other)}”已使用编号字母 {letter}，请另选一个字母")
    turns, _ = _turns(store, township)
    other = next((d for d, turn in turns.items() if turn == letter and d != store.device), None)
    if other is not None:
        raise PjdeskError(f"“{device_name(store, other)}”先开始使用，将使用编号字母 {letter}，请另选一个字母")
    store.set_settings({LETTER_SETTING: letter})
    return letter


def choose_letter(store: Store, township: str, avoid: Iterable[str] = ()) -> str:
    """The letter this device should take: one it used first before (its setting lost), else its turn among
    the township's devices it knows that own no letter yet, in the order they began."""
    owners = _letter_owners(store, township)
    mine = sorted(letter for letter, users in owners.items() if users[0] == store.device and letter not in avoid)
    if mine:
        return mine[0]
    turns, free = _turns(store, township, avoid, owners)
    letter = turns.get(store.device) or next(free, None)
    if letter is None:
        raise PjdeskError("本乡镇设备的编号字母已全部用完：请用 pjdesk init --letter 为本机指定一个不再使用的设备的字母")
    return letter


def _turns(store: Store, township: str, avoid: Iterable[str] = (), owners: dict | None = None):
    """The letter each known device of the township that owns none would take, in the order they began, and
    the free letters left after them."""
    owners = _letter_owners(store, township) if owners is None else owners
    taken = set(owners) | set(avoid)
    free = (letter for letter in NUMBER_LETTERS if letter not in taken)
    owning = {users[0] for users in owners.values()}
    turns = {}
    for device in _devices_in_order(store, township):
        if device not in owning:
            letter = next(free, None)
            if letter is None:
                break
            turns[device] = letter
    return turns, free


def _letter_owners(store: Store, township: str) -> dict[str, list[str]]:
    """For each letter the township's numbers carry, the devices that numbered with it, the first user first."""
    pos = len(township) + 7  # 430626101-2026-A…: the letter after the code, the year and two hyphens
    rows = store.db.execute(
        "SELECT substr(h.hazard_no, ?, 1) AS letter, c.device, MIN(c.hlc) FROM hazard h"
        " JOIN change_log c ON c.record_id = h.id AND c.op = 'insert'"
        " WHERE h.hazard_no >= ? AND h.hazard_no < ? AND substr(h.hazard_no, ?, 1) BETWEEN 'A' AND 'Z'"
        " GROUP BY letter, c.device", [pos, f"{township}-", f"{township}.", pos]).fetchall()
    owners: dict[str, list[tuple[str, str]]] = {}
    for letter, device, first in rows:
        if letter != ASSIGNED_SERIES:
            owners.setdefault(letter, []).append((first, device))
    return {letter: [device for _, device in sorted(users)] for letter, users in owners.items()}


def _first_uses(store: Store, prefix: str) -> dict[str, str]:
    """The devices that gave the lowest number of this series (township, year, letter), each with the stamp it
    gave it at: the series' first user is among them, as a device that has seen a series' numbers continues
    past them. Two index lookups, however long the series (this is asked at every hazard recorded)."""
    return dict(store.db.execute(
        "SELECT c.device, MIN(c.hlc) FROM hazard h JOIN change_log c ON c.record_id = h.id AND c.op = 'insert'"
        " WHERE h.hazard_no = (SELECT MIN(hazard_no) FROM hazard WHERE hazard_no >= ? AND hazard_no < ?)"
        " GROUP BY c.device", [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)]).fetchall())


def _devices_in_order(store: Store, township: str) -> list[str]:
    """The township's devices known here (this one, and those whose files were read), in the order they began:
    each one's first change, read through the change log's (device, dseq) index. A device with no change yet
    comes last."""
    devices = {r[0] for r in store.db.execute("SELECT device FROM sync_device WHERE station = ?", [township])}
    if store.device:
        devices.add(store.device)
    began = {}
    for device in devices:
        row = store.db.execute("SELECT hlc FROM change_log WHERE device = ? ORDER BY dseq LIMIT 1", [device]).fetchone()
        began[device] = row[0] if row else "~"  # after every stamp
    return sorted(devices, key=lambda d: (began[d], d))


def device_name(store: Store, device: str) -> str:
    row = store.db.execute("SELECT name FROM sync_device WHERE device = ?", [device]).fetchone()
    return (row[0] if row else None) or device


# --- numbers given twice -------------------------------------------------------------------------------------
def clashes(store: Store, township: str | None = None, among: Iterable[str] | None = None) -> list[dict]:
    """Numbers that more than one live hazard carries (two devices that numbered with one letter), oldest
    number first: ``hazard_no`` and ``hazards``, each with its ``id`` and the ``device`` and ``device_name``
    that gave it. ``among`` (hazard ids) limits the search to the numbers of those hazards (an import's)."""
    if among is not None:
        ids, found = sorted(set(among)), set()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            found.update(r[0] for r in store.db.execute(
                f"SELECT h.hazard_no FROM hazard h WHERE h.id IN ({','.join('?' * len(chunk))}) AND h.deleted = 0"
                " AND EXISTS (SELECT 1 FROM hazard o WHERE o.hazard_no = h.hazard_no AND o.id != h.id"
                " AND o.deleted = 0)", chunk))
        twice = sorted(found)
    else:
        # The numbers' own index, read alone (a township's numbers all start with its code): deleted hazards
        # are left out afterwards, from the few numbers found twice.
        low, high = (f"{township}-", f"{township}.") if township else ("", "\U0010ffff")
        twice = [number for (number,) in store.db.execute(
                     "SELECT hazard_no FROM hazard WHERE hazard_no > ? AND hazard_no < ?"
                     " GROUP BY hazard_no HAVING COUNT(*) > 1 ORDER BY hazard_no", [low, high]).fetchall()
                 if store.db.execute("SELECT COUNT(*) FROM hazard WHERE hazard_no = ? AND deleted = 0",
                                     [number]).fetchone()[0] > 1]
    # The hazards of those numbers, a chunk of numbers a query (an import may bring thousands), each device's
    # name asked once.
    carrying: dict[str, list[dict]] = {number: [] for number in twice}
    names: dict[str, str] = {}
    for start in range(0, len(twice), CHUNK):
        chunk = twice[start:start + CHUNK]
        for number, hazard_id, device in store.db.execute(
                "SELECT h.hazard_no, h.id, c.device FROM hazard h LEFT JOIN change_log c ON c.record_id = h.id"
                f" AND c.op = 'insert' WHERE h.hazard_no IN ({','.join('?' * len(chunk))}) AND h.deleted = 0"
                " ORDER BY h.hazard_no, c.hlc, h.id", chunk):
            if device and device not in names:
                names[device] = device_name(store, device)
            carrying[number].append({"id": hazard_id, "device": device, "device_name": names[device] if device else ""})
    return [{"hazard_no": number, "hazards": hazards} for number, hazards in carrying.items()]


# --- 文号 of enforcement documents ---------------------------------------------------------------------------
# A 文号 (平应急（安定）责改〔2026〕3号) counts per township, year and document type. Two devices of a township
# (the station PC and a laptop that issues on site) number offline, so each counts in a series of its own:
# the device's letter of the hazard numbers, printed before the number (…〔2026〕B3号; the services print the
# first device's letter A as no letter, so a station with one PC prints the plain form). Every number a device
# gives is past the highest of its series it has seen, deleted documents included, and a device whose letter
# another device used first for this type and year moves to a free letter, as it does for hazards. How a 文号
# reads is the forms' business: the caller hands in ``formatted(letter, serial) -> 文号``.
DocNumberFormat = Callable[[str, int], str]


def next_document_number(store: Store, township: str, doc_type: str, year: str,
                         formatted: DocNumberFormat) -> tuple[str, LetterMoved | None]:
    """The next 文号 of ``doc_type`` in ``year`` that this device gives, never one that a document known here
    carries; with the letter move it made, if it had to. Inside a transaction: the letter is kept."""
    letter, moved = letter_for(store, township, year)
    taken = document_numbers(store, township, doc_type, year)
    users = _first_document_users(store, formatted(letter, 1))
    first = min(users.items(), key=lambda item: (item[1], item[0]), default=None)
    if first is not None and first[0] != store.device:  # two devices set up apart, both with this letter
        new = choose_letter(store, township, avoid={letter})
        store.set_settings({LETTER_SETTING: new})
        moved, letter = LetterMoved(letter, new, device_name(store, first[0])), new
    # The series' numbers run 1, 2, 3 …: its highest is found among as many numbers as the year holds.
    serial = max((n for n in range(1, len(taken) + 2) if formatted(letter, n) in taken), default=0) + 1
    while formatted(letter, serial) in taken:
        serial += 1
    return formatted(letter, serial), moved


def document_numbers(store: Store, township: str, doc_type: str, year: str) -> set[str]:
    """Every 文号 of the township's documents of one type dated in ``year``, deleted ones included (a number
    is never given twice)."""
    return {r[0] for r in store.db.execute(
        "SELECT doc_no FROM document WHERE township = ? AND doc_type = ? AND date >= ? AND date < ?"
        " AND doc_no IS NOT NULL", [township, doc_type, f"{year}-", f"{year}."])}


def _first_document_users(store: Store, number: str) -> dict[str, str]:
    """The devices that gave this 文号, each with the stamp it gave it at."""
    return dict(store.db.execute(
        "SELECT c.device, MIN(c.hlc) FROM document d JOIN change_log c ON c.record_id = d.id AND c.op = 'insert'"
        " WHERE d.doc_no = ? GROUP BY c.device", [number]).fetchall())


class DocumentNumbering:
    """The numbering scheme of documents (RecordKind.numbering "doc_no"): a document is numbered when it is
    issued, by next_document_number, before its files are drawn (the 文号 is printed on them); the write path
    keeps the number it is given. A document record made any other way has no 文号 to keep and is refused."""

    def __init__(self, store: Store, township: str):
        self.store, self.township = store, township

    def assign(self, given: Mapping, fields: Mapping) -> dict:
        number = given.get("doc_no")
        if not number:
            raise PjdeskError("执法文书在检查记录中打印时签发并编号，不能单独新增；请打开检查记录，点“打印文书”")
        return {"doc_no": number}


# The numbering schemes a kind's declaration may name (RecordKind.numbering): scheme → maker(store, township).
SCHEMES = {"hazard_no": HazardNumbering, "doc_no": DocumentNumbering}
