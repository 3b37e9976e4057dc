"""Schema migrations: append-only, each one transaction, applied in order when a file is opened.

Never edit a migration that has shipped; add the next one. Columns are spelled out here rather than taken
from the record declarations, because a migration must build the same schema forever, whatever the
declarations become; a test checks that every declared field has its column.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from . import change_codec

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "pjdesk"  # the name the applied migrations are recorded under in _sqlite_migrations
_STEPS: list[Callable[[Database], None]] = []


def migration(step: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register ``step`` as the next migration, applied after those written above it.

    sqlite-utils applies and records them (``migrations``, made on first use): importing sqlite-utils costs a
    start some 70 ms, and a start with nothing to migrate needs only their names.
    """
    _STEPS.append(step)
    return step


def __getattr__(name: str) -> Migrations:
    if name == "migrations":
        return _library_set()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _library_set() -> Migrations:
    """pjdesk's migrations as sqlite-utils' migration set, which applies them and records each one applied."""
    from sqlite_utils.migrations import Migrations

    made = Migrations(MIGRATION_SET)
    for step in _STEPS:
        made()(step)
    return made


def _run(db: Database, script: str) -> None:
    """Run statements one by one: executescript() would COMMIT and break the migration's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    assert not statement.strip(), f"incomplete SQL at the end of a migration: {statement!r}"


_META = """
    id TEXT PRIMARY KEY,
    township TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT,
    updated_by TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    delete_reason TEXT"""


@migration
def m001_initial(db: Database) -> None:
    _run(db, f"""
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);

    CREATE TABLE unit ({_META},
        name TEXT NOT NULL, uscc TEXT, uscc_note TEXT, no_licence INTEGER NOT NULL DEFAULT 0,
        sector TEXT, is_high_risk INTEGER NOT NULL DEFAULT 0, crowded_type TEXT,
        is_above_scale INTEGER NOT NULL DEFAULT 0, village TEXT, address TEXT, principal TEXT, phone TEXT,
        status TEXT, lead_dept TEXT, note TEXT,
        name_initials TEXT
    );
    CREATE INDEX unit_name ON unit(name);
    CREATE INDEX unit_uscc ON unit(uscc);
    CREATE INDEX unit_township ON unit(township, deleted);

    CREATE TABLE hazard ({_META},
        hazard_no TEXT, unit_id TEXT REFERENCES unit(id), description TEXT NOT NULL, location TEXT,
        level TEXT NOT NULL, category TEXT, sector TEXT, source TEXT, found_date TEXT NOT NULL, found_by TEXT,
        tags TEXT, resp_unit TEXT, resp_person TEXT, measures TEXT, funds INTEGER, deadline TEXT,
        interim_controls TEXT, emergency_plan TEXT, major_basis TEXT, governance_plan TEXT,
        supervision_level TEXT, supervision_body TEXT, supervision_date TEXT, supervision_doc_no TEXT,
        assignment_no TEXT, ledger_date TEXT, notice_record TEXT, note TEXT,
        status TEXT NOT NULL DEFAULT '发现', due_date TEXT, rectified_date TEXT, review_date TEXT,
        closed_date TEXT, incomplete INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX hazard_found ON hazard(found_date);
    CREATE INDEX hazard_due ON hazard(status, due_date);
    CREATE INDEX hazard_closed ON hazard(closed_date);
    CREATE INDEX hazard_unit ON hazard(unit_id);
    CREATE INDEX hazard_no ON hazard(hazard_no);
    CREATE INDEX hazard_township ON hazard(township, deleted);

    CREATE TABLE hazard_event ({_META},
        hazard_id TEXT NOT NULL REFERENCES hazard(id), kind TEXT NOT NULL, date TEXT NOT NULL,
        result TEXT, actor TEXT, new_deadline TEXT, note TEXT
    );
    CREATE INDEX hazard_event_hazard ON hazard_event(hazard_id, date);

    -- Full-text search of description and location (3+ characters; shorter terms scan, see queries).
    CREATE VIRTUAL TABLE hazard_fts USING fts5(
        description, location, content='hazard', content_rowid='rowid', tokenize='trigram'
    );
    CREATE TRIGGER hazard_fts_insert AFTER INSERT ON hazard BEGIN
        INSERT INTO hazard_fts(rowid, description, location) VALUES (new.rowid, new.description, new.location);
    END;
    CREATE TRIGGER hazard_fts_delete AFTER DELETE ON hazard BEGIN
        INSERT INTO hazard_fts(hazard_fts, rowid, description, location)
        VALUES ('delete', old.rowid, old.description, old.location);
    END;
    CREATE TRIGGER hazard_fts_update AFTER UPDATE OF description, location ON hazard BEGIN
        INSERT INTO hazard_fts(hazard_fts, rowid, description, location)
        VALUES ('delete', old.rowid, old.description, old.location);
        INSERT INTO hazard_fts(rowid, description, location) VALUES (new.rowid, new.description, new.location);
    END;

    -- The change log: the outbox of sync and the audit trail. One row per changed record per write.
    CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,          -- device:dseq, as numbered by the device that made the change
        device TEXT NOT NULL,
        dseq INTEGER NOT NULL,
        hlc TEXT NOT NULL,
        operator TEXT,
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        township TEXT NOT NULL,
        op TEXT NOT NULL,                 -- insert / update / delete
        fields TEXT NOT NULL              -- JSON object of the fields written, with their new values
    );
    CREATE UNIQUE INDEX change_log_device ON change_log(device, dseq);
    CREATE INDEX change_log_record ON change_log(record_id, hlc);
    CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log BEGIN
        SELECT RAISE(ABORT, 'change_log is append-only');
    END;
    CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log BEGIN
        SELECT RAISE(ABORT, 'change_log is append-only');
    END;
    """)


@migration
def m002_ledger_indexes(db: Database) -> None:
    """Indexes for the ledger page at 200,000 hazards (filter, sort and search in ≤ 100 ms, DESIGN §8).

    The hazard row is wide (descriptions, measures, plans), so anything that reads the table for every row
    takes a few hundred milliseconds. These indexes are narrow:

    - one per filter and sort column, partial on deleted = 0 as every ledger query asks: SQLite counts a
      filter from it without reading the table, and reads a first page in its order without sorting;
    - the open hazards (a few thousand at most), for 未销号, 逾期 and 即将到期;
    - the tags, and the text a short search term (1–2 characters, which FTS5's trigram index cannot answer)
      is looked for in, each with every column its scan reads, so that the scan never reads the table.

    The status sort uses the lifecycle order expression of pjdesk.storage.ledger, which must stay word for
    word the same to use its index. m001's (status, due_date) index goes: the status and open-hazard indexes
    do its work, and SQLite without statistics chose it even where it meant sorting the whole ledger.
    """
    live = "WHERE deleted = 0"
    _run(db, f"""
    DROP INDEX hazard_due;
    CREATE INDEX hazard_status ON hazard(status) {live};
    CREATE INDEX hazard_open ON hazard(due_date, status, deleted) {live} AND status != '销号';
    CREATE INDEX hazard_level ON hazard(level) {live};
    CREATE INDEX hazard_sector ON hazard(sector) {live};
    CREATE INDEX hazard_source ON hazard(source) {live};
    CREATE INDEX hazard_incomplete ON hazard(incomplete) {live};
    CREATE INDEX hazard_due_date ON hazard(due_date) {live};
    CREATE INDEX hazard_location ON hazard(location) {live};
    CREATE INDEX hazard_resp_person ON hazard(resp_person) {live};
    CREATE INDEX hazard_status_order ON hazard(CASE status WHEN '发现' THEN 0 WHEN '整改中' THEN 1
        WHEN '已整改待复查' THEN 2 WHEN '复查合格' THEN 3 WHEN '销号' THEN 4 END) {live};
    CREATE INDEX hazard_tags ON hazard(tags, deleted) {live};
    CREATE INDEX hazard_text ON hazard(description, location, hazard_no, deleted) {live};
    """)


@migration
def m003_return_snapshot(db: Database) -> None:
    """Frozen returns: the figures as signed and sent, the signer, and the SHA-256 of the kept files."""
    _run(db, f"""
    CREATE TABLE return_snapshot ({_META},
        form TEXT NOT NULL, period TEXT NOT NULL, title TEXT, preparer TEXT NOT NULL, reviewer TEXT,
        filled_date TEXT NOT NULL, figures TEXT NOT NULL, pdf_file TEXT, pdf_sha256 TEXT, xlsx_file TEXT,
        xlsx_sha256 TEXT, note TEXT
    );
    CREATE INDEX return_snapshot_period ON return_snapshot(township, period, form);
    """)


@migration
def m004_sync(db: Database) -> None:
    """Bundle exchange (DESIGN §5): devices and their keys, acknowledgements, imported bundles, conflicts.

    ``change_log.base`` is the record's stamp as an update saw it: an incoming update whose base is older
    than the stamp of the value it overwrites on the receiver was made without seeing that value (a conflict).
    """
    _run(db, """
    ALTER TABLE change_log ADD COLUMN base TEXT;

    -- Every device whose bundles this station reads (its own included), and whether a person trusts it.
    CREATE TABLE sync_device (
        device TEXT PRIMARY KEY, station TEXT NOT NULL, role TEXT NOT NULL, name TEXT,
        public_key TEXT NOT NULL,         -- raw Ed25519 public key, base64
        fingerprint TEXT NOT NULL,        -- SHA-256 of the raw key, groups of 4 hex
        trusted_at TEXT, trusted_by TEXT, revoked_at TEXT, revoked_by TEXT
    );

    -- What a peer (a station code or a device id) is known to hold: origin device's changes up to dseq.
    CREATE TABLE sync_ack (
        peer TEXT NOT NULL, origin TEXT NOT NULL, dseq INTEGER NOT NULL, PRIMARY KEY (peer, origin)
    );

    -- Bundles read, so that a second import of the same file says when the first one was.
    CREATE TABLE sync_import (
        bundle TEXT PRIMARY KEY, sender_station TEXT NOT NULL, sender_device TEXT NOT NULL, file_name TEXT,
        imported_at TEXT NOT NULL, imported_by TEXT, changes INTEGER NOT NULL, new_changes INTEGER NOT NULL
    );

    -- Concurrent edits of one field (冲突待确认): a is the earlier stamp, b the later (the one applied).
    CREATE TABLE sync_conflict (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT NOT NULL, township TEXT NOT NULL,
        field TEXT NOT NULL,
        a_value TEXT, a_hlc TEXT NOT NULL, a_device TEXT NOT NULL, a_operator TEXT,
        b_value TEXT, b_hlc TEXT NOT NULL, b_device TEXT NOT NULL, b_operator TEXT,
        resolved_at TEXT, resolved_by TEXT, chosen TEXT,
        UNIQUE (record_id, field, a_hlc, b_hlc)
    );
    CREATE INDEX sync_conflict_open ON sync_conflict(resolved_at);
    """)


@migration
def m005_change_log_hlc(db: Database) -> None:
    """The latest stamp, read at every start to resume the clock past it: without an index that is a pass over
    the whole change log (0.3 s at a million changes, a fifth of the start-up budget)."""
    _run(db, "CREATE INDEX change_log_hlc ON change_log(hlc);")


@migration
def m006_reports_received(db: Database) -> None:
    """What the county's 报送情况 needs of each bundle read: when its sender made it (the month it reports is
    the last one ended before that), and the changes it found missing (a gap: the report is partial until
    a later bundle fills it), as JSON ``{device: [first, last]}``."""
    _run(db, """
    ALTER TABLE sync_import ADD COLUMN created_at TEXT;
    ALTER TABLE sync_import ADD COLUMN gaps TEXT;
    CREATE INDEX sync_import_sender ON sync_import(sender_station, created_at);
    """)


@migration
def m007_sync_held_back(db: Database) -> None:
    """Records whose insert arrived before what they refer to (a hazard before its unit): kept by id, so that an
    import looks them up instead of scanning the whole change log for inserts missing from their tables
    (seconds per bundle on a county holding years of changes)."""
    _run(db, """
    CREATE TABLE sync_held_back (record_id TEXT PRIMARY KEY, kind TEXT NOT NULL);
    """)
    for kind in ("unit", "hazard", "hazard_event", "return_snapshot"):
        db.execute(
            "INSERT OR IGNORE INTO sync_held_back(record_id, kind) SELECT record_id, kind FROM change_log c"
            f" WHERE kind = ? AND op = 'insert' AND NOT EXISTS (SELECT 1 FROM {kind} t WHERE t.id = c.record_id)",
            [kind])


@migration
def m008_inspections(db: Database) -> None:
    """检查记录 with its checklist items and inspectors (children), and the hazard's link to its inspection."""
    _run(db, f"""
    CREATE TABLE inspection ({_META},
        date TEXT NOT NULL, unit_id TEXT REFERENCES unit(id), mode TEXT NOT NULL, random_draw_ref TEXT,
        checklist TEXT, content TEXT, findings TEXT, measures TEXT, hazards_reported INTEGER,
        stop_order INTEGER NOT NULL DEFAULT 0, fine INTEGER, unit_signer TEXT, note TEXT,
        officer_names TEXT, incomplete INTEGER NOT NULL DEFAULT 0, failed_items INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX inspection_date ON inspection(date) WHERE deleted = 0;
    CREATE INDEX inspection_unit ON inspection(unit_id, date);
    CREATE INDEX inspection_township ON inspection(township, deleted);
    CREATE INDEX inspection_mode ON inspection(mode, date) WHERE deleted = 0;
    -- The list of one township (its own station, or the county filtering one), sorted or filtered by each column
    -- it shows: an index walk instead of sorting 200,000 rows.
    CREATE INDEX inspection_t_date ON inspection(township, date) WHERE deleted = 0;
    CREATE INDEX inspection_t_mode ON inspection(township, mode, date) WHERE deleted = 0;
    CREATE INDEX inspection_t_unit ON inspection(township, unit_id, date) WHERE deleted = 0;
    CREATE INDEX inspection_t_officers ON inspection(township, officer_names) WHERE deleted = 0;
    CREATE INDEX inspection_t_failed ON inspection(township, failed_items) WHERE deleted = 0;
    CREATE INDEX inspection_t_incomplete ON inspection(township, incomplete) WHERE deleted = 0;
    CREATE INDEX inspection_t_findings ON inspection(township, findings) WHERE deleted = 0;

    CREATE TABLE inspection_item ({_META},
        inspection_id TEXT REFERENCES inspection(id), code TEXT, text TEXT NOT NULL, result TEXT NOT NULL,
        note TEXT, hazard_id TEXT REFERENCES hazard(id)
    );
    CREATE INDEX inspection_item_parent ON inspection_item(inspection_id);

    CREATE TABLE inspection_officer ({_META},
        inspection_id TEXT REFERENCES inspection(id), name TEXT NOT NULL, cert_no TEXT
    );
    CREATE INDEX inspection_officer_parent ON inspection_officer(inspection_id);

    ALTER TABLE hazard ADD COLUMN inspection_id TEXT REFERENCES inspection(id);
    CREATE INDEX hazard_inspection ON hazard(inspection_id) WHERE inspection_id IS NOT NULL;
    """)


@migration
def m009_documents_and_attachments(db: Database) -> None:
    """执法文书 issued (文号, what was printed and its SHA-256) and attachments of any record (by SHA-256)."""
    _run(db, f"""
    CREATE TABLE document ({_META},
        doc_no TEXT, doc_type TEXT NOT NULL, date TEXT NOT NULL, inspection_id TEXT REFERENCES inspection(id),
        unit_id TEXT REFERENCES unit(id), follows_id TEXT REFERENCES document(id), issuer TEXT, deadline TEXT,
        served_date TEXT, fine INTEGER, content TEXT, pdf_sha256 TEXT, xlsx_sha256 TEXT
    );
    CREATE INDEX document_no ON document(doc_no);
    CREATE INDEX document_inspection ON document(inspection_id) WHERE inspection_id IS NOT NULL;
    CREATE INDEX document_type ON document(doc_type, date) WHERE deleted = 0;
    CREATE INDEX document_township ON document(township, deleted);

    CREATE TABLE attachment ({_META},
        record_kind TEXT NOT NULL, record_id TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT, label TEXT,
        bytes INTEGER, mime TEXT
    );
    CREATE INDEX attachment_record ON attachment(record_id, deleted);
    CREATE INDEX attachment_sha256 ON attachment(sha256);
    """)


@migration
def m010_people(db: Database) -> None:
    """人员, 培训 (with its attendees) and 证书, and the log of who exported personal data."""
    _run(db, f"""
    CREATE TABLE person ({_META},
        name TEXT NOT NULL, id_number TEXT, id_note TEXT, unit_id TEXT REFERENCES unit(id), role_class TEXT,
        employment TEXT, hired TEXT, left_on TEXT, post TEXT, phone TEXT, note TEXT,
        name_initials TEXT
    );
    CREATE INDEX person_township ON person(township, deleted);
    CREATE INDEX person_unit ON person(unit_id);
    CREATE INDEX person_role ON person(role_class);
    CREATE INDEX person_id_number ON person(id_number) WHERE id_number IS NOT NULL;
    CREATE INDEX person_name ON person(name);
    -- The list of one township, sorted or filtered by each column it shows (as m008 for inspections).
    CREATE INDEX person_t_name ON person(township, name) WHERE deleted = 0;
    CREATE INDEX person_t_id_number ON person(township, id_number) WHERE deleted = 0;
    CREATE INDEX person_t_unit ON person(township, unit_id, name) WHERE deleted = 0;
    CREATE INDEX person_t_role ON person(township, role_class, name) WHERE deleted = 0;
    CREATE INDEX person_t_employment ON person(township, employment, name) WHERE deleted = 0;
    CREATE INDEX person_t_hired ON person(township, hired) WHERE deleted = 0;
    CREATE INDEX person_t_left ON person(township, left_on) WHERE deleted = 0;
    CREATE INDEX person_t_post ON person(township, post) WHERE deleted = 0;

    CREATE TABLE training ({_META},
        date TEXT NOT NULL, training_type TEXT NOT NULL, hours INTEGER, organiser TEXT,
        unit_id TEXT REFERENCES unit(id), note TEXT,
        attendee_count INTEGER NOT NULL DEFAULT 0, passed_count INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX training_township ON training(township, deleted);
    CREATE INDEX training_date ON training(date) WHERE deleted = 0;
    CREATE INDEX training_unit ON training(unit_id, date);
    CREATE INDEX training_t_date ON training(township, date) WHERE deleted = 0;
    CREATE INDEX training_t_type ON training(township, training_type, date) WHERE deleted = 0;
    CREATE INDEX training_t_hours ON training(township, hours) WHERE deleted = 0;
    CREATE INDEX training_t_organiser ON training(township, organiser) WHERE deleted = 0;
    CREATE INDEX training_t_unit ON training(township, unit_id, date) WHERE deleted = 0;
    CREATE INDEX training_t_count ON training(township, attendee_count) WHERE deleted = 0;
    CREATE INDEX training_t_passed ON training(township, passed_count) WHERE deleted = 0;

    CREATE TABLE training_attendee ({_META},
        training_id TEXT REFERENCES training(id), person_id TEXT REFERENCES person(id), result TEXT
    );
    CREATE INDEX training_attendee_parent ON training_attendee(training_id);
    CREATE INDEX training_attendee_person ON training_attendee(person_id);

    CREATE TABLE certificate ({_META},
        person_id TEXT REFERENCES person(id), cert_type TEXT NOT NULL, work_class TEXT, cert_no TEXT,
        issued TEXT, valid_until TEXT, review_due TEXT, issuer TEXT, note TEXT
    );
    CREATE INDEX certificate_township ON certificate(township, deleted);
    CREATE INDEX certificate_person ON certificate(person_id, cert_type);
    CREATE INDEX certificate_no ON certificate(cert_no);
    CREATE INDEX certificate_valid ON certificate(valid_until) WHERE deleted = 0;
    CREATE INDEX certificate_review ON certificate(review_due) WHERE deleted = 0;
    CREATE INDEX certificate_t_person ON certificate(township, person_id) WHERE deleted = 0;
    CREATE INDEX certificate_t_type ON certificate(township, cert_type, valid_until) WHERE deleted = 0;
    CREATE INDEX certificate_t_class ON certificate(township, work_class) WHERE deleted = 0;
    CREATE INDEX certificate_t_no ON certificate(township, cert_no) WHERE deleted = 0;
    CREATE INDEX certificate_t_issued ON certificate(township, issued) WHERE deleted = 0;
    CREATE INDEX certificate_t_valid ON certificate(township, valid_until) WHERE deleted = 0;
    CREATE INDEX certificate_t_review ON certificate(township, review_due) WHERE deleted = 0;

    -- Who exported personal data (a 身份证号 in full or masked), when and how many rows: kept on this PC, not
    -- exchanged, reviewed on the 设置 page.
    CREATE TABLE personal_export_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        operator TEXT,
        what TEXT NOT NULL,
        rows INTEGER NOT NULL,
        target TEXT
    );
    CREATE TRIGGER personal_export_log_no_update BEFORE UPDATE ON personal_export_log BEGIN
        SELECT RAISE(ABORT, 'personal_export_log is append-only');
    END;
    CREATE TRIGGER personal_export_log_no_delete BEFORE DELETE ON personal_export_log BEGIN
        SELECT RAISE(ABORT, 'personal_export_log is append-only');
    END;
    """)


@migration
def m011_emergency(db: Database) -> None:
    """应急预案, 演练 (with the problems each found) and 应急队伍 (with their equipment)."""
    _run(db, f"""
    CREATE TABLE plan ({_META},
        name TEXT NOT NULL, level TEXT NOT NULL, unit_id TEXT REFERENCES unit(id), version TEXT, issued TEXT,
        filed TEXT, filed_with TEXT, next_assessment TEXT, note TEXT
    );
    CREATE INDEX plan_township ON plan(township, deleted);
    CREATE INDEX plan_unit ON plan(unit_id);
    CREATE INDEX plan_assessment ON plan(next_assessment) WHERE deleted = 0;
    -- The list of one township, sorted or filtered by each column it shows (as m008 for inspections).
    CREATE INDEX plan_t_name ON plan(township, name) WHERE deleted = 0;
    CREATE INDEX plan_t_level ON plan(township, level, issued) WHERE deleted = 0;
    CREATE INDEX plan_t_unit ON plan(township, unit_id) WHERE deleted = 0;
    CREATE INDEX plan_t_version ON plan(township, version) WHERE deleted = 0;
    CREATE INDEX plan_t_issued ON plan(township, issued) WHERE deleted = 0;
    CREATE INDEX plan_t_filed ON plan(township, filed) WHERE deleted = 0;
    CREATE INDEX plan_t_assessment ON plan(township, next_assessment) WHERE deleted = 0;

    CREATE TABLE drill ({_META},
        date TEXT NOT NULL, unit_id TEXT REFERENCES unit(id), plan_id TEXT REFERENCES plan(id), form TEXT NOT NULL,
        content TEXT NOT NULL, purpose TEXT NOT NULL, scenario TEXT, organizer TEXT, participants INTEGER,
        duration_min INTEGER, evaluators TEXT, exec_status TEXT, plan_reasonableness TEXT,
        command_coordination TEXT, responder_performance TEXT, equipment_suitability TEXT, goals_met TEXT,
        summary TEXT, improvements TEXT, reported TEXT,
        problem_count INTEGER NOT NULL DEFAULT 0, problems_done INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX drill_township ON drill(township, deleted);
    CREATE INDEX drill_date ON drill(date) WHERE deleted = 0;
    -- The six-month rule asks each unit's latest drill.
    CREATE INDEX drill_unit ON drill(unit_id, date);
    CREATE INDEX drill_plan ON drill(plan_id) WHERE plan_id IS NOT NULL;
    CREATE INDEX drill_t_date ON drill(township, date) WHERE deleted = 0;
    CREATE INDEX drill_t_unit ON drill(township, unit_id, date) WHERE deleted = 0;
    CREATE INDEX drill_t_form ON drill(township, form, date) WHERE deleted = 0;
    CREATE INDEX drill_t_content ON drill(township, content, date) WHERE deleted = 0;
    CREATE INDEX drill_t_purpose ON drill(township, purpose, date) WHERE deleted = 0;
    CREATE INDEX drill_t_scenario ON drill(township, scenario) WHERE deleted = 0;
    CREATE INDEX drill_t_participants ON drill(township, participants) WHERE deleted = 0;
    CREATE INDEX drill_t_goals ON drill(township, goals_met, date) WHERE deleted = 0;
    CREATE INDEX drill_t_problems ON drill(township, problem_count) WHERE deleted = 0;
    CREATE INDEX drill_t_done ON drill(township, problems_done) WHERE deleted = 0;

    CREATE TABLE drill_problem ({_META},
        drill_id TEXT REFERENCES drill(id), problem TEXT NOT NULL, measures TEXT, responsible TEXT, deadline TEXT,
        status TEXT NOT NULL
    );
    CREATE INDEX drill_problem_parent ON drill_problem(drill_id);
    CREATE INDEX drill_problem_open ON drill_problem(deadline) WHERE deleted = 0 AND status != '完成';

    CREATE TABLE team ({_META},
        name TEXT NOT NULL, type TEXT NOT NULL, village TEXT, founded TEXT, leader TEXT, phone TEXT,
        members INTEGER, note TEXT,
        equipment_complete INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX team_township ON team(township, deleted);
    CREATE INDEX team_type ON team(type, founded) WHERE deleted = 0;
    CREATE INDEX team_t_name ON team(township, name) WHERE deleted = 0;
    CREATE INDEX team_t_type ON team(township, type, founded) WHERE deleted = 0;
    CREATE INDEX team_t_village ON team(township, village) WHERE deleted = 0;
    CREATE INDEX team_t_founded ON team(township, founded) WHERE deleted = 0;
    CREATE INDEX team_t_leader ON team(township, leader) WHERE deleted = 0;
    CREATE INDEX team_t_phone ON team(township, phone) WHERE deleted = 0;
    CREATE INDEX team_t_members ON team(township, members) WHERE deleted = 0;
    CREATE INDEX team_t_equipped ON team(township, equipment_complete) WHERE deleted = 0;

    CREATE TABLE team_equipment ({_META},
        team_id TEXT REFERENCES team(id), name TEXT NOT NULL, quantity INTEGER NOT NULL,
        required_qty INTEGER NOT NULL
    );
    CREATE INDEX team_equipment_parent ON team_equipment(team_id);
    """)



@migration
def m012_inspection_search(db: Database) -> None:
    """A search of the inspections counts from a narrow index (storage.records.search_index: the township,
    then every column a search word is looked for in) instead of reading the table, and the 责令停产整顿 flag
    of a township's inspections is counted from an index."""
    _run(db, """
    CREATE INDEX inspection_search ON inspection(township, unit_id, findings, officer_names) WHERE deleted = 0;
    CREATE INDEX inspection_t_stop ON inspection(township, stop_order) WHERE deleted = 0;
    """)


@migration
def m013_training_hours_index(db: Database) -> None:
    """The year's passed trainings of everyone (the rates T17 and T52, 表6) read from two covering indexes:
    the trainings of a date range with their hours, then each one's passed attendees, without the tables."""
    _run(db, """
    CREATE INDEX training_year ON training(date, id, hours) WHERE deleted = 0;
    CREATE INDEX training_attendee_passed ON training_attendee(training_id, result, person_id) WHERE deleted = 0;
    """)

@migration
def m014_progress(db: Database) -> None:
    """目标进展 (the targets' figures no record computes, entered by the county or a township), and the unit
    flags four targets count: 双重预防机制已建成 (T28, T44), 一会三卡 (T50), 入园新建 and its 三同时 (T30)."""
    _run(db, f"""
    CREATE TABLE progress ({_META},
        target_id TEXT NOT NULL, period TEXT NOT NULL, value TEXT, numerator TEXT, denominator TEXT, note TEXT,
        reporter TEXT
    );
    CREATE INDEX progress_township ON progress(township, deleted);
    CREATE INDEX progress_target ON progress(target_id, period) WHERE deleted = 0;
    CREATE INDEX progress_t_target ON progress(township, target_id, period) WHERE deleted = 0;
    CREATE INDEX progress_t_period ON progress(township, period) WHERE deleted = 0;
    CREATE INDEX progress_t_value ON progress(township, value) WHERE deleted = 0;
    CREATE INDEX progress_t_numerator ON progress(township, numerator) WHERE deleted = 0;
    CREATE INDEX progress_t_denominator ON progress(township, denominator) WHERE deleted = 0;
    CREATE INDEX progress_t_reporter ON progress(township, reporter) WHERE deleted = 0;

    ALTER TABLE unit ADD COLUMN dual_prevention INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE unit ADD COLUMN yihui_sanka INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE unit ADD COLUMN new_in_park INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE unit ADD COLUMN three_simultaneous INTEGER NOT NULL DEFAULT 0;
    """)


@migration
def m015_plan_records(db: Database) -> None:
    """事故, 森林火灾, 道路交通抽查, 有奖举报兑现, 曝光 and 会议. Hectares are integer hundredths (burned_ha100),
    money integer 分, as everywhere."""
    _run(db, f"""
    CREATE TABLE accident ({_META},
        occurred TEXT NOT NULL, occurred_time TEXT, unit_id TEXT REFERENCES unit(id), party_name TEXT,
        industry TEXT, place TEXT, category TEXT NOT NULL, is_production INTEGER NOT NULL DEFAULT 0,
        is_disaster INTEGER NOT NULL DEFAULT 0, deaths INTEGER, missing INTEGER, serious INTEGER, minor INTEGER,
        loss INTEGER, summary TEXT NOT NULL, cause TEXT, note TEXT,
        level TEXT
    );
    CREATE INDEX accident_township ON accident(township, deleted);
    CREATE INDEX accident_unit ON accident(unit_id);
    -- The returns and the targets read a month's or a year's accidents of every township.
    CREATE INDEX accident_occurred ON accident(occurred, township) WHERE deleted = 0;
    CREATE INDEX accident_t_occurred ON accident(township, occurred) WHERE deleted = 0;
    CREATE INDEX accident_t_unit ON accident(township, unit_id, occurred) WHERE deleted = 0;
    CREATE INDEX accident_t_party ON accident(township, party_name) WHERE deleted = 0;
    CREATE INDEX accident_t_industry ON accident(township, industry, occurred) WHERE deleted = 0;
    CREATE INDEX accident_t_place ON accident(township, place) WHERE deleted = 0;
    CREATE INDEX accident_t_category ON accident(township, category, occurred) WHERE deleted = 0;
    CREATE INDEX accident_t_production ON accident(township, is_production, occurred) WHERE deleted = 0;
    CREATE INDEX accident_t_disaster ON accident(township, is_disaster, occurred) WHERE deleted = 0;
    CREATE INDEX accident_t_deaths ON accident(township, deaths) WHERE deleted = 0;
    CREATE INDEX accident_t_missing ON accident(township, missing) WHERE deleted = 0;
    CREATE INDEX accident_t_serious ON accident(township, serious) WHERE deleted = 0;
    CREATE INDEX accident_t_loss ON accident(township, loss) WHERE deleted = 0;
    CREATE INDEX accident_t_level ON accident(township, level, occurred) WHERE deleted = 0;

    CREATE TABLE fire ({_META},
        date TEXT NOT NULL, village TEXT NOT NULL, burned_ha100 INTEGER, forest_ha100 INTEGER, cause TEXT,
        deaths INTEGER, serious INTEGER, note TEXT,
        level TEXT
    );
    CREATE INDEX fire_township ON fire(township, deleted);
    CREATE INDEX fire_date ON fire(date, township) WHERE deleted = 0;
    CREATE INDEX fire_t_date ON fire(township, date) WHERE deleted = 0;
    CREATE INDEX fire_t_village ON fire(township, village) WHERE deleted = 0;
    CREATE INDEX fire_t_burned ON fire(township, burned_ha100) WHERE deleted = 0;
    CREATE INDEX fire_t_forest ON fire(township, forest_ha100) WHERE deleted = 0;
    CREATE INDEX fire_t_cause ON fire(township, cause) WHERE deleted = 0;
    CREATE INDEX fire_t_deaths ON fire(township, deaths) WHERE deleted = 0;
    CREATE INDEX fire_t_serious ON fire(township, serious) WHERE deleted = 0;
    CREATE INDEX fire_t_level ON fire(township, level, date) WHERE deleted = 0;

    CREATE TABLE road_check ({_META},
        date TEXT NOT NULL, place TEXT NOT NULL, riders INTEGER, helmeted INTEGER, vehicles INTEGER,
        modified INTEGER, note TEXT
    );
    CREATE INDEX road_check_township ON road_check(township, deleted);
    CREATE INDEX road_check_date ON road_check(date, township) WHERE deleted = 0;
    CREATE INDEX road_check_t_date ON road_check(township, date) WHERE deleted = 0;
    CREATE INDEX road_check_t_place ON road_check(township, place) WHERE deleted = 0;
    CREATE INDEX road_check_t_riders ON road_check(township, riders) WHERE deleted = 0;
    CREATE INDEX road_check_t_helmeted ON road_check(township, helmeted) WHERE deleted = 0;
    CREATE INDEX road_check_t_vehicles ON road_check(township, vehicles) WHERE deleted = 0;
    CREATE INDEX road_check_t_modified ON road_check(township, modified) WHERE deleted = 0;

    CREATE TABLE reward ({_META},
        received TEXT NOT NULL, matter TEXT NOT NULL, unit_id TEXT REFERENCES unit(id), verified TEXT NOT NULL,
        amount INTEGER, paid_on TEXT, note TEXT
    );
    CREATE INDEX reward_township ON reward(township, deleted);
    CREATE INDEX reward_unit ON reward(unit_id);
    CREATE INDEX reward_received ON reward(received, township) WHERE deleted = 0;
    CREATE INDEX reward_paid ON reward(paid_on, township) WHERE deleted = 0 AND paid_on IS NOT NULL;
    CREATE INDEX reward_t_received ON reward(township, received) WHERE deleted = 0;
    CREATE INDEX reward_t_matter ON reward(township, matter) WHERE deleted = 0;
    CREATE INDEX reward_t_unit ON reward(township, unit_id) WHERE deleted = 0;
    CREATE INDEX reward_t_verified ON reward(township, verified, received) WHERE deleted = 0;
    CREATE INDEX reward_t_amount ON reward(township, amount) WHERE deleted = 0;
    CREATE INDEX reward_t_paid ON reward(township, paid_on) WHERE deleted = 0;

    CREATE TABLE exposure ({_META},
        date TEXT NOT NULL, unit_id TEXT REFERENCES unit(id), party_name TEXT, facts TEXT NOT NULL, channel TEXT,
        batch TEXT, note TEXT
    );
    CREATE INDEX exposure_township ON exposure(township, deleted);
    CREATE INDEX exposure_unit ON exposure(unit_id);
    CREATE INDEX exposure_date ON exposure(date, township) WHERE deleted = 0;
    CREATE INDEX exposure_t_date ON exposure(township, date) WHERE deleted = 0;
    CREATE INDEX exposure_t_unit ON exposure(township, unit_id) WHERE deleted = 0;
    CREATE INDEX exposure_t_party ON exposure(township, party_name) WHERE deleted = 0;
    CREATE INDEX exposure_t_facts ON exposure(township, facts) WHERE deleted = 0;
    CREATE INDEX exposure_t_channel ON exposure(township, channel, date) WHERE deleted = 0;
    CREATE INDEX exposure_t_batch ON exposure(township, batch, date) WHERE deleted = 0;

    CREATE TABLE meeting ({_META},
        date TEXT NOT NULL, meeting_type TEXT NOT NULL, host TEXT, attendees INTEGER, topics TEXT NOT NULL,
        note TEXT
    );
    CREATE INDEX meeting_township ON meeting(township, deleted);
    CREATE INDEX meeting_date ON meeting(date, township) WHERE deleted = 0;
    CREATE INDEX meeting_t_date ON meeting(township, date) WHERE deleted = 0;
    CREATE INDEX meeting_t_type ON meeting(township, meeting_type, date) WHERE deleted = 0;
    CREATE INDEX meeting_t_host ON meeting(township, host) WHERE deleted = 0;
    CREATE INDEX meeting_t_attendees ON meeting(township, attendees) WHERE deleted = 0;
    CREATE INDEX meeting_t_topics ON meeting(township, topics) WHERE deleted = 0;
    """)


@migration
def m016_compact_change_log(db: Database) -> None:
    """The change log, rebuilt compact (storage/change_codec.py): a five-year county holds 1.5 million changes,
    and their log was half its file. Nothing of a change is lost: every row keeps its seq, device, dseq, stamp,
    operator, kind, record, township, op, fields and base.

    - ``id`` (device:dseq) is no longer stored, nor its unique index: (device, dseq) is unique already.
    - The record index drops the stamp: a record has a handful of changes, sorted when read.
    - ``fields`` is change_codec's format 1 instead of JSON naming every field in every row.
    - The stamp index (m005) served one query, the latest stamp at start-up: a one-row table holds it now,
      moved forward by the two writers of the log (storage.database.append_log) once per batch.

    One transaction; the append-only triggers are made again on the new table.
    """
    db.conn.create_function("pj_fields", 1, lambda text: change_codec.encode_fields(json.loads(text)),
                            deterministic=True)
    latest = db.execute("SELECT MAX(hlc) FROM change_log").fetchone()[0]  # from m005's index, before it goes
    _run(db, """
    DROP TRIGGER change_log_no_update;
    DROP TRIGGER change_log_no_delete;
    CREATE TABLE change_log_compact (
        seq INTEGER PRIMARY KEY,
        device TEXT NOT NULL,
        dseq INTEGER NOT NULL,
        hlc TEXT NOT NULL,
        operator TEXT,
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        township TEXT NOT NULL,
        op TEXT NOT NULL,
        fields BLOB NOT NULL,             -- change_codec: a format byte, then the fields written
        base TEXT
    );
    INSERT INTO change_log_compact(seq, device, dseq, hlc, operator, kind, record_id, township, op, fields, base)
        SELECT seq, device, dseq, hlc, operator, kind, record_id, township, op, pj_fields(fields), base
        FROM change_log ORDER BY seq;
    DROP TABLE change_log;
    ALTER TABLE change_log_compact RENAME TO change_log;
    CREATE UNIQUE INDEX change_log_device ON change_log(device, dseq);
    CREATE INDEX change_log_record ON change_log(record_id);
    CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log BEGIN
        SELECT RAISE(ABORT, 'change_log is append-only');
    END;
    CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log BEGIN
        SELECT RAISE(ABORT, 'change_log is append-only');
    END;

    -- The latest stamp in the log, where the clock resumes.
    CREATE TABLE change_log_latest (one INTEGER PRIMARY KEY CHECK (one = 1), hlc TEXT NOT NULL);
    """)
    db.execute("INSERT INTO change_log_latest(one, hlc) VALUES (1, ?)", [latest or ""])


@migration
def m017_fewer_indexes(db: Database) -> None:
    """Indexes no measured query needs, dropped: the five-year county's file, built fresh, 1,356 → 1,284 MB (an
    upgraded file keeps its size, with 76 MB free inside for what it holds next).

    - The per-township sort indexes of people, trainings, certificates, drills and plans (m010, m011).
      A township holds a few thousand of each at most (6,200 people in the largest of the demo county's), which
      its list sorts in a few milliseconds from the township's rows (at most 7 ms, every column, either way); the
      county's list, across townships, never used them. Kept: ``person_t_id_number``, by which a 身份证号 is found
      unique within its township (without it SQLite reads the township's people for each one).
    - ``person_id_number``: no query chose it over ``person_t_id_number``.
    - A training's attendees: one index of (training, deleted, result, person) instead of m010's by training and
      m013's partial one of the passed: the year's passed attendances read it without the table as before,
      and a training's history (its removed attendees too) is found by it.
    """
    _run(db, """
    DROP INDEX person_t_name;
    DROP INDEX person_t_unit;
    DROP INDEX person_t_role;
    DROP INDEX person_t_employment;
    DROP INDEX person_t_hired;
    DROP INDEX person_t_left;
    DROP INDEX person_t_post;
    DROP INDEX person_id_number;
    DROP INDEX training_t_date;
    DROP INDEX training_t_type;
    DROP INDEX training_t_hours;
    DROP INDEX training_t_organiser;
    DROP INDEX training_t_unit;
    DROP INDEX training_t_count;
    DROP INDEX training_t_passed;
    DROP INDEX certificate_t_person;
    DROP INDEX certificate_t_type;
    DROP INDEX certificate_t_class;
    DROP INDEX certificate_t_no;
    DROP INDEX certificate_t_issued;
    DROP INDEX certificate_t_valid;
    DROP INDEX certificate_t_review;
    DROP INDEX drill_t_date;
    DROP INDEX drill_t_unit;
    DROP INDEX drill_t_form;
    DROP INDEX drill_t_content;
    DROP INDEX drill_t_purpose;
    DROP INDEX drill_t_scenario;
    DROP INDEX drill_t_participants;
    DROP INDEX drill_t_goals;
    DROP INDEX drill_t_problems;
    DROP INDEX drill_t_done;
    DROP INDEX plan_t_name;
    DROP INDEX plan_t_level;
    DROP INDEX plan_t_unit;
    DROP INDEX plan_t_version;
    DROP INDEX plan_t_issued;
    DROP INDEX plan_t_filed;
    DROP INDEX plan_t_assessment;
    DROP INDEX training_attendee_parent;
    DROP INDEX training_attendee_passed;
    CREATE INDEX training_attendee_training ON training_attendee(training_id, deleted, result, person_id);
    """)


@migration
def m018_person_search(db: Database) -> None:
    """A search of the people counts from a narrow index, as one of the inspections does (m012): a county's
    138,000 people were read whole for every word typed."""
    _run(db, """
    CREATE INDEX person_search ON person(township, name, id_number, name_initials, unit_id) WHERE deleted = 0;
    """)


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """The names of the pjdesk migrations applied to an open file (a station's or a backup's), in the order
    they were applied."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'").fetchone():
        return []
    return [r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [MIGRATION_SET])]


def known_migrations() -> tuple[str, ...]:
    """Every migration this pjdesk knows, by name, in order."""
    return tuple(step.__name__ for step in _STEPS)


SCHEMA_VERSION = len(_STEPS)
