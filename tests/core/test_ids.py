"""Record ids: UUIDv7 text, increasing within a process."""

import time
import uuid

from pjdesk.core.ids import new_device_id, new_id


def test_ids_are_uuid_version_7():
    text = new_id()
    value = uuid.UUID(text)
    assert str(value) == text  # the canonical form: lower-case hex, hyphens at 8, 13, 18 and 23
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_ids_carry_the_creation_time():
    before = time.time_ns() // 1_000_000
    value = uuid.UUID(new_id())
    after = time.time_ns() // 1_000_000
    assert before <= value.int >> 80 <= after + 1


def test_ids_increase_within_a_process():
    ids = [new_id() for _ in range(20_000)]  # far more than one millisecond's counter can hold
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_device_ids_are_short_and_distinct():
    devices = {new_device_id() for _ in range(100)}
    assert len(devices) == 100
    assert all(len(d) == 10 and int(d, 16) >= 0 for d in devices)


def test_ids_come_from_the_given_source_within_the_block_and_on_that_thread_only():
    import threading

    from pjdesk.core.ids import ids_from

    made = iter(f"00000000-0000-7000-8000-{n:012d}" for n in range(3))
    beside = []
    with ids_from(lambda: next(made)):
        inside = [new_id(), new_id()]
        thread = threading.Thread(target=lambda: beside.append(new_id()))
        thread.start()
        thread.join()
    assert inside == ["00000000-0000-7000-8000-000000000000", "00000000-0000-7000-8000-000000000001"]
    assert beside[0] not in inside and uuid.UUID(beside[0]).version == 7
    assert new_id() != "00000000-0000-7000-8000-000000000002"
