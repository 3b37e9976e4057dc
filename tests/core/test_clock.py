"""The hybrid logical clock: ordered, never backwards, ties broken by device."""

from pjdesk.core.clock import HybridClock, format_stamp, parse_stamp


class Wall:
    """A wall clock the test sets, in seconds."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __call__(self) -> float:
        return self.seconds


def test_stamps_follow_the_wall_clock():
    wall = Wall(1_767_225_600.0)
    clock = HybridClock("a1", wall)
    first = clock.now()
    wall.seconds += 1
    second = clock.now()
    assert parse_stamp(first) == (1_767_225_600_000, 0, "a1")
    assert parse_stamp(second) == (1_767_225_601_000, 0, "a1")


def test_same_millisecond_counts_up():
    clock = HybridClock("a1", Wall(1000.0))
    stamps = [clock.now() for _ in range(5)]
    assert [parse_stamp(s)[1] for s in stamps] == [0, 1, 2, 3, 4]
    assert stamps == sorted(stamps) and len(set(stamps)) == 5


def test_wall_clock_set_back_does_not_move_stamps_back():
    wall = Wall(2000.0)
    clock = HybridClock("a1", wall)
    before = clock.now()
    wall.seconds = 1000.0  # someone set the PC's clock back
    after = [clock.now() for _ in range(3)]
    assert all(s > before for s in after)
    assert after == sorted(after)
    wall.seconds = 3000.0
    assert clock.now() > after[-1]


def test_stamps_stay_ordered_as_text_beyond_ten_thousand_in_one_millisecond():
    # An import of 10,000+ rows after the clock was set back (or after observing a device running ahead).
    clock = HybridClock("a1", Wall(1000.0))
    stamps = [clock.now() for _ in range(12_000)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    assert len({len(s) for s in stamps}) == 1, "stamps must stay fixed-width"


def test_observe_moves_past_a_stamp_from_elsewhere():
    clock = HybridClock("a1", Wall(1000.0))
    remote = format_stamp(5_000_000, 7, "b2")  # a device whose clock runs ahead
    clock.observe(remote)
    mine = clock.now()
    assert mine > remote
    assert parse_stamp(mine)[:2] == (5_000_000, 8)


def test_observe_of_an_older_stamp_changes_nothing():
    clock = HybridClock("a1", Wall(1000.0))
    first = clock.now()
    clock.observe(format_stamp(10, 0, "b2"))
    assert parse_stamp(clock.now())[:2] == (parse_stamp(first)[0], 1)


def test_resumes_past_the_last_stamp_in_the_file():
    last = format_stamp(9_000_000, 3, "a1")
    clock = HybridClock("a1", Wall(1000.0), last=last)
    assert clock.now() > last


def test_text_order_is_time_then_counter_then_device():
    stamps = [format_stamp(2, 0, "aa"), format_stamp(1, 11, "zz"), format_stamp(1, 2, "zz"), format_stamp(1, 2, "aa"),
              format_stamp(10, 0, "aa")]
    assert sorted(stamps) == sorted(stamps, key=parse_stamp)
    assert sorted(stamps)[0] == format_stamp(1, 2, "aa")
