"""`make mutate`: mutation testing of the modules where a silent mistake hurts people.

Each module is mutated on its own, in a scratch copy of the project, against the
tests that exercise it (mutmut runs, for each mutant, only the tests that reached
the mutated function), so one module takes minutes, not the whole suite per mutant.
PostgreSQL and end-to-end tests are left out (a server or a process per mutant),
except where only PostgreSQL shows a mistake: log redaction of asyncpg's messages,
and the locks of linking and together (FOR UPDATE, populate_existing), which only the
PostgreSQL race tests reach.

    python -m tests.mutate                 # every module below
    python -m tests.mutate logs linking    # some of them, by name
    MUTATE_ONLY="*lock_users* *members*" python -m tests.mutate linking   # some mutants

Prints the score per module and every surviving mutant (`mutmut show NAME` in
the module's scratch copy, `.mutate/<name>`, tells what it changed). Survivors that
are equivalent (no behaviour anyone could notice changes) are listed in
`EQUIVALENT` with the reason; they are not counted as killed: each module gets a raw
score and a score with the documented equivalents left out of the total.
Not part of `make test`: it takes long.

Results (one mutant at a time on two shared cores; "killed" counts timeouts; a survivor
re-run with MUTATE_ONLY after its test was added, and killed, counts as killed; so does
one run with `MUTANT_UNDER_TEST=<name> pytest <the new tests>` in `.mutate/<name>/mutants`):

    module   mutants  killed  equivalent  raw   without equivalents  run (UTC, commit)
    logs     189      183     6           97 %  100 %                2026-12-03 05:44 0339883
                                                                     (survivors 06:09, 06:42)
    timers   129      122     7           95 %  100 %                06:13 f18c121 (06:40)
    privacy  110      108     2           98 %  100 %                06:30 801ebf2
    screen   509      509     0           100 % 100 %                10:17 5ab0117 (its own tests
             only: test_screen, test_sections; 503 by the run, the 6 survivors (explain's
             meaning part, load_detector's meaning) by tests added since, MUTANT_UNDER_TEST)

2026-12-03, second round (wt-mutate3, MUTATE_CHILDREN=2; "by the run" + "by tests after": each
survivor then killed by a test added since, checked one by one with MUTANT_UNDER_TEST in a
copy of the scratch tree; samples by MUTATE_ONLY on the mutant's number):

    module   mutants  killed (run + after)  equivalent  raw   without equivalents  run, commit
    linking  302      286 (267 + 19)        16          95 %  100 %   11:41-12:12 96bb4cb
    sharing  197 of 388, sample: odd numbers ("*__mutmut_*1 *3 *5 *7 *9"; whole: third round)
                      193 (176 + 17)        4           98 %  100 %   12:12-12:29 dc67721
    together 112 of 559, sample: numbers ending in 3 or 7 ("*__mutmut_*3 *__mutmut_*7"; whole: 3rd)
                      106 (102 + 4)         6           95 %  100 %   12:29-12:36 6e923cc
    claims   367 of 1001: the 3/7 sample (206, 12:38-13:17, 708b3fe) and 161 more from the
             first run (08:51-09:54, 62ce61a)
                      349 (304 + 45)        18          95 %  100 %
             (full run not started by 16:55: delivery's whole run went first, third round)
             (the 45 after: 23 of the sample's survivors, 21 by tests added since and 2 by
             tests/telegram/test_periodic.py and test_undelivered.py, now in the target;
             22 of the first run's, by the tests added after it, as checked then)
    delivery 101 of 1097, sample: numbers ending in 7 ("*__mutmut_*7", a tenth, run whole;
             13:17-13:33, 2c5bd17; the first try failed at 12:38 on test_kinds' source
             scan, now deselected for this target)
                      90 (69 + 21)          11          89 %  100 %
             (whole run stopped part-way, third round: 15:32-17:11 at 8767d3d, restarted
             16:31 with timeout_multiplier 6 (hung GroupCommit mutants took 356 s each) and
             16:47 with 6 children (hung mutants wait; the cores idled): 805 of 1097 scored,
             709 killed (657 by the run, 28 of them timeouts, + 52 by tests added since, each
             checked), 75 equivalent, 21 NOT yet handled (_send_with_retries 5, 10, 12, 16,
             24, 28, 31-36; _attempts 1, 9-11, 48, 49; Outbox.__init__ 9, 22; outbox_id 9):
             88 % raw, 97 % without equivalents, so far; 292 mutants not yet run. Results
             kept outside the repository for the next run to resume.)

2026-12-03, third round: the modules scored on samples above, run whole (wt-mutate3,
MUTATE_CHILDREN=2, nice 19; the samples' killed results kept, their survivors and every
mutant not yet run scored against the tests of the day; "after" as in the second round):

    module   mutants  killed (run + after)  equivalent  raw   without equivalents  run, commit
    sharing  388      380 (376 + 4)         8           98 %  100 %   14:52-15:06 6a7edf5
             (after: test_conversations' greeting without a name (start 12, 14), /help's
             lines (help 16), /topics' parts as paragraphs (topics 68))
    together 559      524 (516 + 8)         35          94 %  100 %   15:07-15:32 8767d3d
             (after: the carried reveals' order (release_held 9), a held question no longer
             for both (41, 52), carried answers private for good after quiet mode, one
             answered by one alone, an ordinary answer not carried (carry_over 20, 44, 11),
             the reveal in the partner's language (_reveal 41), /progress (answered 39))
    delivery and claims: see their rows above (delivery stopped at 805 of 1097; claims not
             run whole yet).
             delivery's survivor _unchanged 9 showed a bug, fixed since (bot.telegram.delivery
             `_shown`): a press on a message Telegram gives as inaccessible crashed its answer.

2026-12-03, fourth round: claims whole (wt-mutate3 at 3eaac52, 18:09-), delivery resumed
(wt-mutate2 at f908ad6, 18:35-; its first try at 3eaac52 stopped at the clean-test run on
test_sending_unpaced_is_refused_by_telegram_s_flood_limit, which depended on the machine's
speed: fixed in f908ad6). Totals, both run whole (by the run alone; survivors carried from
earlier runs stay counted as survivors, even those the tests below kill):
    delivery 1103 mutants, 903 killed (28 timeouts), 82 equivalent: 81.9 % raw, 88.4 % without
             equivalents; 118 survivors neither killed by the run nor equivalent (most killed
             after, below; those reported after 19:55 not yet looked at).
    claims   1001 mutants, 961 killed (29 timeouts), 13 equivalent: 96.0 % raw, 97.3 % without
             equivalents; 27 survivors neither (most killed after, below). Survivors handled by
19:50 (killed after: by a test added since, each checked with MUTANT_UNDER_TEST in a copy of the
scratch; "ahead": such a test written before the run reached the mutant):

    delivery the 21 left at 17:11: 17 killed after (_send_with_retries 5, 10, 12, 16, 24, 28,
             31-36; _attempts 9-11, 48, 49), 4 equivalent (_attempts 1, Outbox.__init__ 9, 22,
             outbox_id 9). The run's new survivors by 19:50 (_attempts 50-56, 58, 59, 62-66,
             71-76, 78-82): all killed ahead; also ahead: _attempts 77, 83, 84, _send 13-31,
             _deliver_one 30-32.
             Not yet run at 19:50: 250 (_send_one's 99 among them).
    claims   survivors by 19:50: killed after: _due 5, _claim_summaries 6, _claim_nudges 39,
             52, 76, _reclaim 6, claim 4, 9, 10, 25; equivalent: _delivery 1, _quiet 1, claim 14,
             26, _lock_due 9 (as 7). _lock_due 4 (no ORDER BY) killed after by the lead: with
             a batch limit the longest-overdue check-ins go first (test_sweep; fails under it
             on PostgreSQL, which keeps updated rows in write order; SQLite reads the due
             index in order anyway, and this target leaves PostgreSQL out);
             reported at 19:55: _admit_all 14 killed after by the lead (a send admitted late
             in its claim keeps a lease of its own: tests/outbox/test_store.py), 32 and 38
             equivalent (as _expire 27, 28: sqlite and postgres tests pass under them).
             Ahead: expire_sends 1-8, 10-21, guarded_update 10, _quiet 2-6, claim 2, 5 (eq.),
             6, 11, 12, 24, 27, _reclaim 5. Not yet run at 19:50: 287.
             Candidate seen, not checked: _lock_due 30 (FOR UPDATE without OF: PostgreSQL only,
             whose tests this target leaves out).

2026-12-04, fifth round: claims and delivery run whole again against the tests of the day (a new
machine; wt-mutate at 1b72033, MUTATE_CHILDREN=2 each, 16:19-18:42 UTC; killed counts timeouts;
"after": by a test added since, checked with MUTANT_UNDER_TEST in a copy of the scratch):

    module   mutants  killed by the run  equivalent  after  elsewhere  raw     without equivalents
    claims   1001     963                31          6      1          96.2 %  100 % (970/970)
    delivery 1103     1005 (30 timeouts) 82          10     0          91.1 %  99.4 % (1015/1021)

    claims   after: done 20 and _final 10 (test_truth: only a message that went out has a sent
             time, on the fast path and the batched one), DeliveryRecord.__init__ 46 and 49
             (test_store: the fast path admits only a waiting message and starts its lease
             anew), reclaim 4 (test_store: a batch taken over is the oldest whatever was
             written since), periodic 11 (test_sweep: check-ins go to as many chats at once
             as the settings allow); elsewhere: _lock_due 4 (KILLED_ELSEWHERE, PostgreSQL);
             equivalent since: _expire 19, done 8, 9, admit 28, reclaim 36 (reasons above).
    delivery after: Outbox._row 30 (test_quiet_hours: held news is its sender's even when the
             message names no one), _send_one 18, 19 (test_delivery: a private chat is not
             held to a group's twenty a minute); equivalent since: GroupCommit.__init__ 1.
             Then (18:45): deliver 15 (test_delivery: a notice answering the press does not
             hold back the messages after it), 29, 30 (a notice answers a press in a paced
             group first and is recorded) killed after; 54, 55 equivalent (above).
             Then (18:50): deliver 51 (a group waiting for room does not hold up a person's
             chat) and _send_one 43-45 (an edit replaced while it waited for the group's room
             is recorded superseded) killed after.
             The last 6 (2026-12-04 19:30-, next session): deliver 1 (without a concurrency,
             chats one after another) and 52 (with a pace, a concurrency asked for still
             bounds the chats) killed after; _send_one 26, 57, 83 equivalent (above); _send_one
             91 (done reported without an admission asked) showed a defect: an empty message
             asked nothing (nothing to split), was reported SENT and its record never told.
             Fixed: it goes to Telegram, which refuses it (REFUSED, the record told); every
             send that returns has asked its admission, so the condition 91 weakened is gone
             (test_delivery: an empty message is refused and its record told).
    delivery then: 1103 mutants, 1005 killed by the run, 12 after, 1 gone with its defect,
             85 equivalent: 92.3 % raw, 100 % without equivalents (1018/1018).
             Code removed since: GroupCommit's `flushes`, read by no one (its 3 equivalent
             mutants, _write 1-3, are gone, and _write's others renumbered 3 lower), and
             `guard.asked` in `_send_one` (91 and its neighbours on that line).

2026-12-04, sixth round: the screen again, whole, after the ask tier changed it (`Detector.read`,
`Reading`, denied sentences; wt-mutate at 9468aee, MUTATE_CHILDREN=2, 19:32-19:50 UTC):

    screen   544      542 by the run, 2 elsewhere (load_detector 3, 6: KILLED_ELSEWHERE,
             test_meaning), 0 equivalent: 99.6 % raw, 100 % with them (544/544)

Then delivery's functions changed this day, run again (MUTATE_ONLY="bot.telegram.delivery.
x__send__mutmut_* bot.telegram.delivery.x__send_one__mutmut_* bot.delivery.batch.xǁGroupCommitǁ*",
at 877d2e7, 19:45-20:29; the other 904 of the module's 1097 mutants are unchanged since the
fifth round):

    delivery 193      185 by the run (24 timeouts: GroupCommit mutants that hang a writer),
             7 equivalent (GroupCommit.__init__ 1, _write 21, 24, 25; _send_one 26, 57, 83),
             1 after: _send 52 (later parts of a long text carrying `rate_limit_args` without
             Attune's limiter: PTB refuses them, and only the background lane's value is
             truthy; test_delivery: a long text goes out whole, in the background lane, with
             and without the limiter): 96 % raw, 100 % without equivalents (186/186)
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mutate"
MARKERS = "not postgres and not e2e"


@dataclass(frozen=True)
class Target:
    name: str
    modules: tuple[str, ...]
    tests: tuple[str, ...]
    markers: str = MARKERS


TARGETS = (
    Target(  # with PostgreSQL: only its race tests reach the row locks
        "linking",
        ("bot/couples/linking.py", "bot/couples/invites.py"),
        ("tests/couples", "tests/telegram/test_couples.py"),
        markers="not e2e",
    ),
    Target("privacy", ("bot/couples/privacy.py",), ("tests/couples",)),
    Target(  # with PostgreSQL: only there does the question row's lock matter
        "together",
        ("bot/together/flow.py",),  # carry_over (answers given alone, then linking): relink tests
        ("tests/together", "tests/nudges", "tests/couples/test_relink_privacy.py"),
        markers="not e2e",
    ),
    Target(  # every couple test starts with /start: these are the ones about the talk itself
        "sharing",
        ("bot/conversations.py",),
        (
            "tests/test_conversations.py",
            "tests/telegram/test_couples.py",
            "tests/couples/test_privacy.py",
            "tests/couples/test_relink_privacy.py",
            "tests/safety/test_quiet.py::test_a_quiet_person_shares_nothing_and_is_told_so",
            # back_to_dialog: after a check-in's answer, the conversation's step again
            "tests/nudges/test_responses.py::"
            "test_a_check_in_answered_mid_conversation_returns_to_the_conversation",
            # the partner message's kind and sender: what tells the author it did not arrive
            "tests/telegram/test_undelivered.py",
        ),
    ),
    Target(  # the screen's own tests: all of tests/safety (the corpus and recognition tests
        # read thousands of sentences a mutant) was too slow to finish
        "screen",
        ("bot/safety/screen.py",),
        ("tests/safety/test_screen.py", "tests/safety/test_sections.py"),
    ),
    Target(  # the record's time-bound rows (useful_until, EXPIRED) are the outbox's only
        "claims",
        ("bot/nudges/sweep.py", "bot/delivery/record.py"),
        (
            "tests/nudges",
            "tests/delivery",
            "tests/outbox/test_store.py",
            "tests/outbox/test_truth.py",
            "tests/outbox/test_quiet_hours.py",
            # the transport's side: the sweep's job on the job queue (its interval), and
            # the fast path's outcomes with the outbox's hooks (the sender told)
            "tests/telegram/test_periodic.py",
            "tests/telegram/test_undelivered.py",
        ),
    ),
    Target(  # every break test reaches the timers: these are the ones about them (fast)
        "timers",
        ("bot/cooldown/timers.py",),
        (
            "tests/cooldown/test_timers.py",
            "tests/cooldown/test_flow.py",
            "tests/cooldown/test_calming.py",
        ),
    ),
    Target(  # with PostgreSQL: only asyncpg's messages quote people's words
        "logs",
        ("bot/logs.py",),
        (
            "tests/test_logs.py",
            "tests/storage/test_db_errors.py",
            "tests/telegram/test_delivery_failures.py",
        ),
        markers="not e2e",
    ),
    Target(  # the sending side of the record: outbox, pacing/admission, group commit
        "delivery",
        ("bot/telegram/delivery.py", "bot/delivery/batch.py", "bot/outbox/store.py"),
        (
            "tests/telegram",
            "tests/delivery",
            "tests/outbox",
            # this scan of bot/'s source meets mutmut's copies of each function
            # (x_decode__mutmut_orig, ...), which its list cannot name: it fails before
            # any mutant runs (2026-12-03 12:38); it reads the source, runs none of it
            "--deselect",
            "tests/outbox/test_kinds.py::test_every_message_that_may_reach_a_partner_names_its_kind",
        ),
    ),
)
EQUIVALENT: dict[str, str] = {
    # privacy: `if result.ended and result.partner is not None` -> `or`: `unlink` returns
    # a partner only when it ended the couple (`Unlinked(False)` has none), so the two agree.
    "bot.couples.privacy.xǁPrivacyǁerase__mutmut_6": "ended is False only with no partner",
    # privacy: the deletion's log line with "XX" around its words (still by number, never
    # by name, which a test checks); only its wording changes.
    "bot.couples.privacy.xǁPrivacyǁerase__mutmut_35": "log line's wording only",
    # linking: `Joined(outcome, inviter, …)` -> `Joined(outcome, None, …)` for ALREADY_TOGETHER
    # and ALREADY_LINKED: the handler reads only `partner` for those outcomes.
    "bot.couples.linking.x_join__mutmut_29": "inviter unread for ALREADY_* outcomes",
    # linking: the same for COUPLE_FULL (inviter None or left out): the handler only says
    # "join_couple_full".
    "bot.couples.linking.x_join__mutmut_40": "inviter unread for COUPLE_FULL",
    "bot.couples.linking.x_join__mutmut_42": "inviter unread for COUPLE_FULL",
    # linking: the invite re-read without FOR UPDATE (lock=None/False/left out). Redundant
    # today: every join of an invite first locks its inviter's row (lock_users), so two
    # joins of one invite never overlap, and the claim is a conditional update besides.
    # (The lock itself is tested in test_a_locked_invite_waits_for_the_claim_and_reads_it.)
    "bot.couples.linking.x_join__mutmut_46": "inviter's row lock serializes joins",
    "bot.couples.linking.x_join__mutmut_49": "inviter's row lock serializes joins",
    "bot.couples.linking.x_join__mutmut_50": "inviter's row lock serializes joins",
    # linking: the re-read invite's status for `None` instead of the joiner: the person
    # only changes the OWN answer, and OWN was ruled out above (an invite's owner is fixed).
    "bot.couples.linking.x_join__mutmut_53": "OWN already ruled out; owner never changes",
    # linking: `used = None` (or `used and False`): the claim of an invite just read unused
    # under its row lock (and the inviter's) cannot fail, so in this branch the status is
    # never OK: `used` is False whichever way it is written.
    "bot.couples.linking.x_join__mutmut_67": "claim cannot fail after OK under the locks",
    "bot.couples.linking.x_join__mutmut_73": "claim cannot fail after OK under the locks",
    # linking: the inviter left out of a refusal (USED/EXPIRED/UNKNOWN): the handler reads
    # `inviter` only for LINKED.
    "bot.couples.linking.x_join__mutmut_70": "inviter unread for a refusal",
    "bot.couples.linking.x_join__mutmut_72": "inviter unread for a refusal",
    # linking: LINKED without `partner` (None or left out): the handler reads `partner`
    # only for ALREADY_LINKED (its docstring: for the ALREADY_* outcomes).
    "bot.couples.linking.x_join__mutmut_87": "partner unread for LINKED",
    "bot.couples.linking.x_join__mutmut_89": "partner unread for LINKED",
    "bot.couples.linking.x_join__mutmut_90": "partner unread for LINKED",
    # linking: a couple always has its two members (only join and unlink write couple_id,
    # each for both people in one transaction; /forget unlinks before it deletes), so
    # `_other_member`'s default (None; without it, StopIteration) and the unlink's initial
    # `partner` ("" instead of None) are never what is returned: the partner is found.
    "bot.couples.linking.x__other_member__mutmut_4": "a couple always has two members",
    "bot.couples.linking.x_unlink__mutmut_37": "a couple always has two members",
    # together: `waiting.done(turn, FEATURE)` -> `done(turn)`/`done(turn, None)` in `typed`: the
    # coach calls a feature's `typed` only with that feature's own open question.
    "bot.together.flow.x_typed__mutmut_2": "typed only ever gets this feature's question",
    "bot.together.flow.x_typed__mutmut_4": "typed only ever gets this feature's question",
    # together: `key.partition(":")` -> `rpartition`: the same split while no dialog or node
    # id holds a ':' (none does; the loader does not forbid it, and then either would misread).
    "bot.together.flow.x_typed__mutmut_7": "no dialog/node id contains ':'",
    # together: `row.skipped_by = None`: skipped_by is read only while no reminder was sent
    # (reminded_at None), and Skip is a button of a sent reminder, so it is never read after.
    "bot.together.flow.x_skip__mutmut_15": "skipped_by unread once a reminder exists",
    # together: `fold_from(mark)` -> from the turn's start (mark None): the same unless
    # something was said before in the turn, which only "That's not what I meant" does
    # (bot.safety.care); then its one line would join the answer's message. Grouping only.
    "bot.together.flow.x_typed__mutmut_28": "message grouping only, after not-meant",
    "bot.together.flow.x_typed__mutmut_77": "message grouping only, after not-meant",
    # together: the effect handed to `answered` with key/together None: `answered` and
    # `_reveal` read only its dialog, node and text (the row is written with the real key).
    "bot.together.flow.x_typed__mutmut_43": "answered reads no effect.key",
    "bot.together.flow.x_typed__mutmut_45": "answered reads no effect.together",
    "bot.together.flow.x_typed__mutmut_53": "answered reads no effect.together",
    # together: the same effect with `at` None: neither `answered` nor `_reveal` reads it
    # (the row's created_at is written from turn.now, not from the effect).
    "bot.together.flow.x_typed__mutmut_46": "answered reads no effect.at",
    # together: release_held's own quiet check weakened (`couple is None and user.quiet`):
    # its only caller, the link's safety question (link_settled), runs it only when neither
    # is quiet, and with no couple its query finds no rows.
    "bot.together.flow.x_release_held__mutmut_3": "link_settled runs only when neither is quiet",
    # together: the same check as `user.quiet and partner.quiet`, or with `partner is None
    # and couple is None`: link_settled (bot.safety.link_question._settled) runs only with
    # a partner (so a couple) and neither quiet, so no part of the check is ever true.
    "bot.together.flow.x_release_held__mutmut_2": "link_settled runs only when neither is quiet",
    "bot.together.flow.x_release_held__mutmut_4": "link_settled runs only with a partner",
    # together: release_held's locking query without populate_existing (None/False): the
    # link's safety answer loads no question row before it in its turn (release_held is the
    # only link_settled listener), so there is no stale copy in the identity map to refresh.
    "bot.together.flow.x_release_held__mutmut_8": "rows first loaded by the lock itself",
    "bot.together.flow.x_release_held__mutmut_21": "rows first loaded by the lock itself",
    # together: `mine is None and theirs is None` for `or`: a row is held only when both had
    # answered (carry_over), and neither answer can go while they are linked (/forget
    # unlinks first), so at most the both-None case differs, and it never arises.
    "bot.together.flow.x_release_held__mutmut_42": "a held question has both answers",
    # together: the revealed effect with key None, together None/False, or `at` None:
    # `_reveal` reads only its dialog, node and text (as typed 43, 45, 46, 53).
    "bot.together.flow.x_release_held__mutmut_56": "_reveal reads no effect.key",
    "bot.together.flow.x_release_held__mutmut_58": "_reveal reads no effect.together",
    "bot.together.flow.x_release_held__mutmut_59": "_reveal reads no effect.at",
    "bot.together.flow.x_release_held__mutmut_66": "_reveal reads no effect.together",
    # together: the Reflection's created_at left to its default (utcnow) instead of turn.now:
    # the same instant in production (turn.now is the wall clock there); only /mydata shows it.
    "bot.together.flow.x_typed__mutmut_70": "created_at default is the same clock",
    # together: answer_now's Resume at the very question with `at`/`has_partner` changed:
    # resuming a question (not awaiting a share) reads only `lang`, and makes no effect.
    "bot.together.flow.x_answer_now__mutmut_26": "Resume of a question reads no `at`",
    "bot.together.flow.x_answer_now__mutmut_28": "has_partner read only awaiting a share",
    "bot.together.flow.x_answer_now__mutmut_31": "has_partner read only awaiting a share",
    "bot.together.flow.x_answer_now__mutmut_32": "has_partner read only awaiting a share",
    # together: `step.ask and step.ask.summary` -> `or` (or the whole test `or True`): only
    # couple questions (with `ask`) get here, and then a missing summary (None) falls back
    # to the text either way.
    "bot.together.flow.x__question_text__mutmut_7": "ask is always set for a couple question",
    "bot.together.flow.x__question_text__mutmut_6": "ask is always set for a couple question",
    # together: carry_over's guard as `partner is None and couple is None`: the link
    # listeners run only on LINKED, with the inviter as partner and the new couple set.
    "bot.together.flow.x_carry_over__mutmut_2": "link listeners run with partner and couple",
    # together: carry_over holding a row when `revealed_at is None or held_at is None`: the
    # couple was made in this very turn, so its question rows are new (neither is set).
    "bot.together.flow.x_carry_over__mutmut_54": "a new couple's question rows are new",
    # together: `_carried` of the other member (`user_id != user.id`): carry_over holds the
    # questions in both answer sets, which is symmetric; only the order of the rows (so of
    # their reveals) follows the partner's answers instead of the joiner's when the two
    # answered in different orders, neither of which is the right one.
    "bot.together.flow.x__carried__mutmut_10": "the intersection is symmetric",
    # together: `_answer_of` without `together IS TRUE`: whether a question is for both is
    # the node's own, so every answer at a couple question's node is a couple answer (unless
    # an update of the dialogs made an ordinary question one for both: then an older answer
    # would count as given; accepted).
    "bot.together.flow.x__answer_of__mutmut_12": "together is a property of the node",
    # together: `populate_existing=None`/`False`: the question row is first loaded in its session by
    # this very locking query, so there is no stale copy in the identity map to refresh.
    "bot.together.flow.x__locked_question__mutmut_14": "row first loaded by the lock itself",
    "bot.together.flow.x__locked_question__mutmut_25": "row first loaded by the lock itself",
    # together: `_carried` unordered, or without `together IS TRUE`: carry_over reads only
    # which questions each has answered (the texts are read by release_held, newest first),
    # keeps only couple questions, and the couple is new at linking (no other answers in it).
    "bot.together.flow.x__carried__mutmut_2": "only the keys of _carried are read",
    "bot.together.flow.x__carried__mutmut_8": "new couple; couple questions kept only",
    # logs: the first exception's `link` (None or "XXXX" instead of ""): a link is read only
    # for the exceptions after the first one printed, never for the one it starts with.
    "bot.logs.x_format_exception__mutmut_4": "the first link is never read",
    "bot.logs.x_format_exception__mutmut_5": "the first link is never read",
    # logs: `getattr(exc, "orig")` without a default: every exception with a SQL `statement`
    # is SQLAlchemy's StatementError (or a subclass), whose __init__ always sets `orig`.
    "bot.logs.x__message__mutmut_14": "a StatementError always has `orig`",
    # logs: exc_info dropped also when there is no exc_text: that is only a log.exception
    # outside any exception, exc_info (None, None, None); its line "NoneType: None" goes.
    "bot.logs.xǁRedactSecretsǁfilter__mutmut_14": "only 'NoneType: None' of a stray exception",
    "bot.logs.xǁRedactSecretsǁfilter__mutmut_16": "only 'NoneType: None' of a stray exception",
    # logs: the log file's encoding "UTF-8" instead of "utf-8": the same codec.
    "bot.logs.x_setup_logging__mutmut_16": "codec names ignore case",
    # timers: `claim` without populate_existing: the timer is first loaded in its session
    # by this very get (the firing turn's new session has read no timer before), so there
    # is no stale copy in the identity map to refresh.
    "bot.cooldown.timers.x_claim__mutmut_4": "row first loaded by this very get",
    "bot.cooldown.timers.x_claim__mutmut_7": "row first loaded by this very get",
    "bot.cooldown.timers.x_claim__mutmut_8": "row first loaded by this very get",
    # timers: `mark = None` (useful_until/kind set on every output of the turn, not only
    # the handler's): a timer's turn says nothing before its handler runs.
    "bot.cooldown.timers.xǁSweepǁ_firing__mutmut_18": "nothing said before the handler",
    # timers: `schedule`'s default step 1 instead of 0: only breathing timers read `step`,
    # and they always pass it; the return timer (the one left to the default) never reads it.
    "bot.cooldown.timers.x_schedule__mutmut_1": "only breath timers read step; they pass it",
    # timers: due timers ordered by due_at alone, not by id after it: only the order of two
    # timers due at the very same instant changes; each fires in its own turn either way.
    "bot.cooldown.timers.x_due__mutmut_4": "order of ties only; each fires on its own",
    "bot.cooldown.timers.x_due__mutmut_6": "order of ties only; each fires on its own",
    # claims: give_up without `**self.cleared`: only the sweep gives up (a check-in that
    # could not be composed), and the check-in record clears no columns.
    "bot.delivery.record.xǁDeliveryRecordǁgive_up__mutmut_5": "the check-in record clears nothing",
    # claims: `_expire` returning no `id` (or NULL for it): only chat_id and kind are read,
    # for the log line.
    "bot.delivery.record.xǁDeliveryRecordǁ_expire__mutmut_3": "the expired row's id is never read",
    "bot.delivery.record.xǁDeliveryRecordǁ_expire__mutmut_6": "the expired row's id is never read",
    # claims: `_expire` without `id IN ids`, or without `owner == me`: every claimed row it
    # then also marks is past its moment, and ends EXPIRED anyway at its own owner's admit
    # or reclaim (never sent); only which call marks it changes.
    "bot.delivery.record.xǁDeliveryRecordǁ_expire__mutmut_16": "past its moment: EXPIRED anyway",
    "bot.delivery.record.xǁDeliveryRecordǁ_expire__mutmut_18": "past its moment: EXPIRED anyway",
    # claims: `_expire` without `useful_until <= now`: its ids are those the admit's one
    # statement refused, and a row still CLAIMED and ours there was refused for its moment
    # alone (the admit's only other condition), so the moment test excludes none of them;
    # it stays as a guard against a row changing between the two statements.
    "bot.delivery.record.xǁDeliveryRecordǁ_expire__mutmut_19": "admit refused it for its moment",
    # claims: `run_alone(..., None)` instead of `{}`: no parameters either way.
    "bot.delivery.record.xǁDeliveryRecordǁ_expire__mutmut_27": "params None and {} are the same",
    # claims: `_expire` (and `_admit_all`) iterating the result instead of its rows (`rows`
    # None/False/left out): both drivers buffer an UPDATE ... RETURNING's rows, so the same
    # rows are read.
    "bot.delivery.record.xǁDeliveryRecordǁ_expire__mutmut_28": "RETURNING rows buffered either way",
    "bot.delivery.record.xǁDeliveryRecordǁ_expire__mutmut_32": "RETURNING rows buffered either way",
    "bot.delivery.record.xǁDeliveryRecordǁ_expire__mutmut_33": "RETURNING rows buffered either way",
    "bot.delivery.record.xǁDeliveryRecordǁ_admit_all__mutmut_33": "RETURNING rows buffered",
    "bot.delivery.record.xǁDeliveryRecordǁ_admit_all__mutmut_37": "RETURNING rows buffered",
    "bot.delivery.record.xǁDeliveryRecordǁ_admit_all__mutmut_38": "RETURNING rows buffered",
    # claims: the embedded database's fast path for an outcome (`done`) skipped: with
    # `on_sent is None` for `is not None`, or `on_undelivered is not None or ...` for `and`,
    # the outbox's record (the only one given `direct`; it has no on_sent, and an
    # on_undelivered) sends every outcome through the batched path, which writes the same
    # row (tests/outbox/test_truth.py checks both paths' rows). Speed only: `make bench`.
    "bot.delivery.record.xǁDeliveryRecordǁdone__mutmut_8": "batched path writes the same row",
    "bot.delivery.record.xǁDeliveryRecordǁdone__mutmut_9": "batched path writes the same row",
    # claims: the fast path's admit expiring after an admitted send too (`or` for `and`):
    # `_expire` touches only CLAIMED rows, and an admitted one is SENDING; one query more.
    "bot.delivery.record.xǁDeliveryRecordǁadmit__mutmut_28": "_expire skips a SENDING row",
    # claims: the take-over's compare-and-set without `status == CLAIMED` (only id and the
    # lease read): the rows were read under a lock held to the end of the transaction
    # (`skip_locked`: FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's write transaction holds
    # the database from BEGIN IMMEDIATE), so no one changes their status in between.
    "bot.delivery.record.xǁDeliveryRecordǁreclaim__mutmut_36": "rows read under a row lock",
    # delivery: GroupCommit's default cap of 200 writes a transaction as 201: a tuning value
    # (the cap itself is tested with its own limit, test_batch's limit=2); no one can tell
    # 200 from 201 writes in one transaction.
    "bot.delivery.batch.xǁGroupCommitǁ__init____mutmut_1": "a cap of 200 or 201: tuning only",
    # delivery: `deliver` serving its queues through a Semaphore(1) instead of the plain loop
    # (`and` for `or`, or `concurrency < 1`): a fair semaphore of one serves the chats one
    # at a time in the same order.
    "bot.telegram.delivery.x_deliver__mutmut_54": "Semaphore(1) serves them in order",
    "bot.telegram.delivery.x_deliver__mutmut_55": "Semaphore(1) serves them in order",
    "bot.delivery.record.xǁDeliveryRecordǁ_admit_all__mutmut_32": "params None and {} are the same",
    # claims: `take_over` (all claims with attempts 0) or `renew` (ours with attempts 0)
    # without `status == CLAIMED`: a SENDING row has attempts >= 1 (admit counts the try),
    # so only final rows never tried (skipped, expired, given up) get a new lease_until,
    # which is never read once a row is final.
    "bot.delivery.record.xǁDeliveryRecordǁtake_over__mutmut_14": "a final row's lease is unread",
    "bot.delivery.record.xǁDeliveryRecordǁrenew__mutmut_8": "a final row's lease is unread",
    # claims: the doubling capped at 2**31 instead of 2**30: either is far past `longest`
    # (2 s * 2**30 is 68 years), which `min` then gives.
    "bot.delivery.record.xǁRetryǁpause__mutmut_14": "both caps are far past the longest pause",
    # sharing: /start's greeting folded from the turn's start (mark None): nothing is said
    # before it in its turn (the invite payload returns False before saying anything, and
    # a new person's first text reaches `start` only when no screen answered it).
    "bot.conversations.xǁConversationsǁstart__mutmut_15": "nothing said before /start's greeting",
    # sharing: the same, written at the fold (`fold_from(None)` instead of the mark).
    "bot.conversations.xǁConversationsǁstart__mutmut_40": "nothing said before /start's greeting",
    # sharing: a saved answer's created_at left to its default (utcnow) instead of the
    # effect's `at` (turn.now): the same instant in production (turn.now is the wall clock
    # there); only /mydata shows it (as together's x_typed__mutmut_70).
    "bot.conversations.xǁConversationsǁon_effect__mutmut_20": "created_at default: the same clock",
    # sharing: the feature's name None, "XXconversationsXX" or upper-cased: a feature's name
    # is read only for the error about two features claiming one thing (naming the later
    # one, and this feature is the first) and as the key of typed input, which this feature
    # has none of.
    "bot.conversations.x_feature__mutmut_3": "name read only in a clash (it is first)",
    "bot.conversations.x_feature__mutmut_13": "name read only in a clash (it is first)",
    "bot.conversations.x_feature__mutmut_14": "name read only in a clash (it is first)",
    # claims: DeliveryRecord's `model` None: it is never read again (its `table` is); and
    # the owner's random name 17 hex characters long instead of 16: it is only compared
    # for equality (in columns without a length), and 64 bits already never repeat.
    "bot.delivery.record.xǁDeliveryRecordǁ__init____mutmut_3": "`model` is never read",
    "bot.delivery.record.xǁDeliveryRecordǁ__init____mutmut_17": "owner name compared only",
    # delivery: the notice's dedupe mark with "OF" for "of": the mark is only ever compared
    # with marks this same code wrote (the notice's `about`), never parsed.
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_47": "the mark is compared with its own kind",
    # delivery: the same for the mark's other keys renamed ("XXofXX", "XXtoXX"/"TO",
    # "XXatXX"/"AT") or its keys left unsorted (sort_keys None/False/left out): every mark
    # is written by this one line, so two marks of one message still agree.
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_43": "the mark is compared with its own kind",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_45": "the mark is compared with its own kind",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_46": "the mark is compared with its own kind",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_48": "the mark is compared with its own kind",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_49": "the mark is compared with its own kind",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_50": "the mark is compared with its own kind",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_51": "the mark is compared with its own kind",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_52": "the mark is compared with its own kind",
    # delivery: the check for an earlier notice without `user_id == sender`, or without
    # `kind == UNDELIVERED_KIND`: only a notice's `about` is such a mark (of, to, at), and a
    # mark names the recipient and the moment, to whom only their one partner writes; or
    # `select(None)` (SELECT NULL ... WHERE): only whether a row is found is read.
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_58": "a mark names recipient and moment",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_59": "only a notice's about is a mark",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_61": "only whether a row is found is read",
    # delivery: unsharing without `user_id == sender`: `about` names the answer the sender's
    # own turn shared (bot.conversations, bot.nudges.responses), so it is the sender's.
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_26": "about names the sender's own answer",
    # delivery: the "its sender is not told" log line with "XX" around it: wording only.
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_39": "log line's wording only",
    # delivery: the notice naming the recipient even when their row is gone (None has no
    # name), or "XXXX" for them: the recipient's /forget deletes their outbox rows with the
    # rest (a `user_id` column, bot.couples.export), so the row told about has a recipient.
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_113": "the recipient's rows go with them",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_115": "the recipient's rows go with them",
    # delivery: the notice's lease 2 s in the past instead of 1 s: free for the next sweep
    # either way.
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_141": "a lease in the past either way",
    # delivery: short_reason's split with no limit or a limit of 2, or from the right: its
    # first piece is the same, as PTB's message names the parse failure at most once.
    "bot.telegram.delivery.x_short_reason__mutmut_4": "the first piece of the split is the same",
    "bot.telegram.delivery.x_short_reason__mutmut_5": "the phrase occurs at most once",
    "bot.telegram.delivery.x_short_reason__mutmut_9": "the first piece of the split is the same",
    # delivery: a private press answered first too (`_in_group` true for any chat with a
    # message): only in a group may the edit wait for room; in a private chat nothing waits,
    # so the spinner stops with the edit either way.
    "bot.telegram.delivery.x__in_group__mutmut_2": "nothing waits in a private chat",
    "bot.telegram.delivery.x__in_group__mutmut_3": "nothing waits in a private chat",
    # delivery: `_edit` going on with a press that has no message (`query is None and ...`):
    # such presses (inline mode, which Attune has not) are dropped as incomplete before any
    # turn (bot.telegram.handlers.complete).
    "bot.telegram.delivery.x__edit__mutmut_16": "a press without a message is dropped before",
    # delivery: `getattr(message, "text")` / `"reply_markup"` without a default in `_unchanged`
    # and `_edit`, and `_edit` claiming an append to a message without text as made: since
    # `_shown` (2026-12-03, the bug these showed: a press on an InaccessibleMessage crashed
    # in PTB's edit) both see only accessible messages, a Message always has both attributes,
    # and every message with buttons Attune sends is a text (its one document has none).
    "bot.telegram.delivery.x__unchanged__mutmut_9": "only a Message gets here (_shown)",
    "bot.telegram.delivery.x__unchanged__mutmut_18": "only a Message gets here (_shown)",
    "bot.telegram.delivery.x__edit__mutmut_9": "only a Message gets here (_shown)",
    "bot.telegram.delivery.x__edit__mutmut_13": "a pressed message always has text",
    # delivery: `_pressed_in` reading the chat without checking for a message or its chat,
    # or naming a chat that is None: a press always has its message (others are dropped as
    # incomplete, bot.telegram.handlers.complete), and a Message always has its chat.
    "bot.telegram.delivery.x__pressed_in__mutmut_4": "a press always has message and chat",
    "bot.telegram.delivery.x__pressed_in__mutmut_5": "a press always has message and chat",
    "bot.telegram.delivery.x__pressed_in__mutmut_8": "a press always has message and chat",
    # delivery: `_moved`'s copy with user_id None, the group's or the person's whatever the
    # chat, or left as it was: the copy for the supergroup is only sent
    # (by chat id); the guard, the outcome and mark_unreachable read the original message.
    "bot.telegram.delivery.x__moved__mutmut_7": "the moved copy's user_id is never read",
    "bot.telegram.delivery.x__moved__mutmut_1": "the moved copy's user_id is never read",
    "bot.telegram.delivery.x__moved__mutmut_2": "the moved copy's user_id is never read",
    "bot.telegram.delivery.x__moved__mutmut_3": "the moved copy's user_id is never read",
    "bot.telegram.delivery.x__moved__mutmut_4": "the moved copy's user_id is never read",
    "bot.telegram.delivery.x__moved__mutmut_10": "the moved copy's user_id is never read",
    # delivery: `_retry_seconds` ignoring every warning, not only PTB's deprecation one,
    # while it reads `retry_after`: reading that property warns of nothing else.
    "bot.telegram.delivery.x__retry_seconds__mutmut_4": "retry_after warns only PTB's warning",
    # delivery: `sent_ages` with `>` for `>=`: a message exactly `window` old; the group pace,
    # its only reader, keeps only ages below the window (`0 <= age < window`).
    "bot.outbox.store.xǁOutboxǁsent_ages__mutmut_20": "the pace drops an age of the window",
    # delivery: tell_sender's guard as `sender_id is None and kind is None`: with no sender
    # the get below finds no one (`sender is None`: return) before anything is written; as
    # `content is None and sender_id is None`: the record calls tell_sender only when the
    # outbox has its content (Outbox.__init__ hooks it only then).
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_2": "no sender: the get finds no one",
    "bot.outbox.store.xǁOutboxǁtell_sender__mutmut_3": "hooked only when there is content",
    # delivery: GroupCommit's zip without strict=True (or strict=None): every flush (the
    # record's _admit_all and _done_all) returns one result per item, so the lengths agree.
    # (Numbered as after `flushes` was removed, 2026-12-04: 24, 27, 28 in the fifth round.)
    "bot.delivery.batch.xǁGroupCommitǁ_write__mutmut_21": "a flush returns one result per item",
    "bot.delivery.batch.xǁGroupCommitǁ_write__mutmut_24": "a flush returns one result per item",
    "bot.delivery.batch.xǁGroupCommitǁ_write__mutmut_25": "a flush returns one result per item",
    # delivery: _Reporting's flags starting as None instead of False: only read as truth
    # values (`admitted and not reported`), where None and False agree.
    "bot.telegram.delivery.xǁ_Reportingǁ__init____mutmut_2": "None and False agree",
    "bot.telegram.delivery.xǁ_Reportingǁ__init____mutmut_4": "None and False agree",
    # delivery: a reclaimed message kept (encode) or decoded without its `notice` flag (or
    # with it None, False, or read under another key):
    # `notice` is read only when a message answers a pressed button (a toast), and the
    # outbox job answers none.
    "bot.outbox.store.x_decode__mutmut_27": "notice read only when answering a button",
    "bot.outbox.store.x_encode__mutmut_7": "notice read only when answering a button",
    "bot.outbox.store.x_decode__mutmut_16": "notice read only when answering a button",
    "bot.outbox.store.x_decode__mutmut_22": "notice read only when answering a button",
    "bot.outbox.store.x_decode__mutmut_26": "notice read only when answering a button",
    "bot.outbox.store.x_decode__mutmut_28": "notice read only when answering a button",
    "bot.outbox.store.x_decode__mutmut_29": "notice read only when answering a button",
    # delivery: reclaim's own staleness check with `<` for `<=`: a row exactly at its
    # useful_until then goes out to admit, which refuses it and marks it EXPIRED (fresh
    # only while `useful_until > now`, a later now): never sent either way.
    "bot.outbox.store.xǁOutboxǁreclaim__mutmut_5": "admit expires it at that instant",
    # delivery: a reclaimed row without a body decoded from "XX{}XX" instead of "{}": a
    # claimable row always has its body (dropped only when final), and "{}" would fail
    # as well (it has no "keyboard").
    "bot.outbox.store.xǁOutboxǁreclaim__mutmut_49": "a claimable row always has its body",
    # delivery: held news' check with an alias renamed or anonymous (SQL only), or without
    # `sender.couple_id IS NOT NULL`: two NULL couple ids are not equal in SQL either.
    "bot.outbox.store.xǁOutboxǁ_drop_stale_news__mutmut_7": "an alias's name only",
    "bot.outbox.store.xǁOutboxǁ_drop_stale_news__mutmut_3": "an alias's name only",
    "bot.outbox.store.xǁOutboxǁ_drop_stale_news__mutmut_4": "an alias's name only",
    "bot.outbox.store.xǁOutboxǁ_drop_stale_news__mutmut_5": "an alias's name only",
    "bot.outbox.store.xǁOutboxǁ_drop_stale_news__mutmut_6": "an alias's name only",
    "bot.outbox.store.xǁOutboxǁ_drop_stale_news__mutmut_8": "an alias's name only",
    # delivery: held news judged due at `lease_until <= now` instead of `<`: at that very
    # instant the record's reclaim does not take it yet either, so only which sweep drops
    # news whose sender no longer shares changes (one at that very microsecond, or the next).
    "bot.outbox.store.xǁOutboxǁ_drop_stale_news__mutmut_34": "the next sweep drops it anyway",
    "bot.outbox.store.xǁOutboxǁ_drop_stale_news__mutmut_17": "NULL = NULL is not true in SQL",
    # delivery: Outbox's `owner` not handed to its record: the application builds the
    # outbox without one (bot.telegram.application), so the record names itself either way.
    "bot.outbox.store.xǁOutboxǁ__init____mutmut_17": "production passes no owner",
    # delivery: held news staged without the turn's `sender` (None or left out): only
    # partner news is held, and every partner message but news of the link itself (never
    # held) carries its sender already (`Turn.composed_to_partner`), which the row keeps.
    "bot.outbox.store.xǁOutboxǁstage__mutmut_14": "held news carries its sender_id already",
    "bot.outbox.store.xǁOutboxǁstage__mutmut_18": "held news carries its sender_id already",
    "bot.outbox.store.xǁOutboxǁ_row__mutmut_29": "held news carries its sender_id already",
    # delivery: a row staged without its lane (the column's default, REPLY): the outbox
    # table's `lane` is written and read by nothing (the job sends what it takes as BULK).
    "bot.outbox.store.xǁOutboxǁ_row__mutmut_16": "the outbox's lane column is never read",
    # delivery: the stored body's "notice" under another key, so a message taken back from
    # the record is never a notice: as decode 16-29, only a press's answer reads `notice`,
    # and a message from the record never answers a press.
    "bot.outbox.store.x_encode__mutmut_8": "notice read only when answering a press",
    # delivery: split_text's search for a break from None or 1 instead of 0: a break at
    # index 0 is never past half the limit, so it is never the cut either way.
    "bot.telegram.delivery.x_split_text__mutmut_9": "rfind from None is from 0",
    "bot.telegram.delivery.x_split_text__mutmut_16": "a break at 0 is never past half",
    "bot.telegram.delivery.x_split_text__mutmut_18": "rfind from None is from 0",
    "bot.telegram.delivery.x_split_text__mutmut_25": "a break at 0 is never past half",
    # delivery: `cut > limit / 2` instead of `// 2`: for a whole number cut the two agree.
    "bot.telegram.delivery.x_split_text__mutmut_30": "integer cut: > l/2 iff > l//2",
    # delivery: a log line's wording with "XX" around it, or upper-cased ("%.1F" prints a
    # wait as "%.1f" does): every value it names is still there.
    "bot.telegram.delivery.x__attempts__mutmut_57": "log line's wording only",
    "bot.telegram.delivery.x__attempts__mutmut_67": "log line's wording only",
    # delivery: one chat's queue served through the gather (`len(queues) < 1`) instead of
    # directly: a single queue is served in order either way, alone.
    "bot.telegram.delivery.x_deliver__mutmut_57": "one queue is served in order either way",
    # delivery: `_attempts`' `moved` starting as None instead of False: only read as a truth
    # value (`if moved`), where None and False agree.
    "bot.telegram.delivery.x__attempts__mutmut_1": "None and False agree",
    # delivery: `_send_one`'s `taken` starting as "" (26), or settled with `or` for `and`
    # (57 after an edit, 83 after a send): the only extra calls are `settle(chat, None)` or
    # `settle(chat, "")` (an unchanged edit takes no slot; `slot` without an edit always
    # returns a moment), and `settle` moves only a moment its window holds: a no-op.
    "bot.telegram.delivery.x__send_one__mutmut_26": "settle ignores a moment it never gave",
    "bot.telegram.delivery.x__send_one__mutmut_57": "settle ignores a moment it never gave",
    "bot.telegram.delivery.x__send_one__mutmut_83": "settle ignores a moment it never gave",
    # delivery: Outbox's `owner` handed to its record as None: as __init__ 17 (left out),
    # the application builds the outbox without one, so the record names itself either way.
    "bot.outbox.store.xǁOutboxǁ__init____mutmut_9": "production passes no owner",
    # delivery: tell_sender hooked as on_undelivered even without `content`: it returns at
    # once when there is none (its first check), and the application always passes content.
    "bot.outbox.store.xǁOutboxǁ__init____mutmut_22": "tell_sender returns without content",
    # delivery: `outbox_id` reading any tail after "outbox:" as a number: every such ref is
    # made from a row id (`decode`, `_with_ref`), so the tail is always digits.
    "bot.outbox.store.x_outbox_id__mutmut_9": "an outbox ref's tail is always a row id",
    # claims: the backfill run again by a sweep at the very instant of the last one (`<`
    # for `<=`): ensure_schedules is idempotent, and a newcomer's schedule only comes
    # sooner (their first check-in is a day away); the wall clock does not stand still.
    "bot.nudges.sweep.xǁSweepǁclaim__mutmut_7": "an extra, idempotent backfill at one instant",
    # claims: the backfill run by every sweep instead of once a minute (`_backfilled_at`
    # left None, or `now + BACKFILL_EVERY < ...`, never true): the same idempotent
    # ensure_schedules, only more often (a query's cost); newcomers get theirs no later.
    "bot.nudges.sweep.xǁSweepǁclaim__mutmut_14": "an extra, idempotent backfill every sweep",
    "bot.nudges.sweep.xǁSweepǁclaim__mutmut_5": "an extra, idempotent backfill every sweep",
    # claims: `if budget < 0` for `<= 0`: with no room left the claims still run, with
    # LIMIT 0, and claim nothing (an empty query more).
    "bot.nudges.sweep.xǁSweepǁclaim__mutmut_26": "a claim with no room (LIMIT 0) takes nothing",
    # claims: `_lock_due`'s join with no ON clause: SQLAlchemy takes it from the one foreign
    # key between the schedules and users (user_id -> users.id), the same condition.
    "bot.nudges.sweep.x__lock_due__mutmut_7": "the join's ON inferred from the one FK",
    "bot.nudges.sweep.x__lock_due__mutmut_9": "the join's ON inferred from the one FK",
    # claims: `_delivery`'s backoff_note defaulting to True: only the weekly picture's claim
    # leaves it out (a check-in's passes plan.backoff), and the picture's composing
    # (bot.nudges.summary) never reads it: only a check-in's rendering adds the note.
    "bot.nudges.sweep.xǁSweepǁ_delivery__mutmut_1": "backoff_note unread for a weekly picture",
    # claims: `_quiet` with `and` for `or`: a schedule's quiet_start and quiet_end are set
    # together and cleared together (the defaults, or the settings menu: both or neither).
    "bot.nudges.sweep.x__quiet__mutmut_1": "quiet_start/quiet_end are None together",
    # sharing: `parts = None`/`2` before `if not reflection.shared`: read only when the
    # answer was already shared, which cannot happen: awaiting_share is set only in the turn
    # that saves a new, unshared answer (bot.engine.step), and the share that marks it
    # moves the state on in the same transaction (a second tap is a stale button).
    "bot.conversations.xǁConversationsǁ_share_reflection__mutmut_41": "already-shared unreachable",
    "bot.conversations.xǁConversationsǁ_share_reflection__mutmut_42": "already-shared unreachable",
}
"""Surviving mutants that change nothing anyone can notice, with the reason (by name:
re-check after editing the module, since mutmut numbers its mutants in order)."""

KILLED_ELSEWHERE: dict[str, str] = {
    # screen: `load_detector` dropping its reader by meaning (None, or left out): the screen's
    # own tests build detectors without one; the reader's tests (tests/safety/test_meaning.py,
    # outside the target: each loads the encoder) hear what only the reader hears.
    "bot.safety.screen.x_load_detector__mutmut_3": "tests/safety/test_meaning.py::"
    "test_the_reader_hears_what_the_lists_and_the_classifier_do_not",
    "bot.safety.screen.x_load_detector__mutmut_6": "tests/safety/test_meaning.py::"
    "test_the_reader_hears_what_the_lists_and_the_classifier_do_not",
    # claims: `_lock_due` without ORDER BY: the order rows come in is the order SQLite reads
    # its due index anyway; PostgreSQL keeps updated rows in write order, and there the test
    # fails under it. This target leaves PostgreSQL out (a server per mutant).
    "bot.nudges.sweep.x__lock_due__mutmut_4": "tests/nudges/test_sweep.py::"
    "test_with_a_batch_limit_the_longest_overdue_check_ins_go_first[postgres]",
}
"""Survivors that a test outside the target's selection kills (checked with
`MUTANT_UNDER_TEST=<name> pytest <test>` in the scratch copy's `mutants`): counted as killed
in the score without equivalents."""

COPIED = ("bot", "tests", "dialogs", "data", "docs", "pyproject.toml", "README.md")


def prepare(target: Target) -> Path:
    """A scratch copy whose pyproject tells mutmut what to mutate and which tests to run."""
    where = SCRATCH / target.name
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    for item in COPIED:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(source, where / item, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, where / item)
    pyproject = where / "pyproject.toml"
    text = re.sub(r"(?ms)^\[tool\.mutmut\].*?(?=^\[|\Z)", "", pyproject.read_text())
    quoted = ", ".join(f'"{m}"' for m in target.modules)
    options = (*target.tests, "-m", target.markers, "-p", "no:randomly")
    selection = ", ".join(f'"{t}"' for t in options)
    also = ", ".join(f'"{d}"' for d in ("dialogs", "data", "docs", "README.md"))
    text += (
        "\n[tool.mutmut]\n"
        'source_paths = ["bot"]\n'
        f"only_mutate = [{quoted}]\n"
        f"pytest_add_cli_args_test_selection = [{selection}]\n"
        f"also_copy = [{also}]\n"
        # a mutant that hangs a test (a group commit never answered) waits out this many
        # times its tests' measured time: mutmut's 15 made each such delivery mutant cost
        # six minutes; survivors under load took at most 3.7 times theirs (2026-12-03)
        "timeout_multiplier = 6.0\n"
    )
    pyproject.write_text(text)
    return where


KILLED = ("killed", "timeout", "segfault")
NOT_KILLED = ("survived", "no tests", "suspicious")
"""A mutant no test reaches ("no tests") counts as a survivor: nothing would notice it."""


def run(target: Target, children: int) -> tuple[int, int, list[tuple[str, str]]]:
    """(killed, total, survivors as (name, status)) for one target."""
    where = prepare(target)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    mutmut = [sys.executable, "-m", "mutmut"]
    only = os.environ.get("MUTATE_ONLY", "").split()  # mutant name globs: a part of a module
    servers = Path(tempfile.mkdtemp(prefix="attune-mutate-"))
    servers.chmod(0o755)  # the `postgres` user (tests as root) makes its server in here
    env["TMPDIR"] = str(servers)
    try:
        subprocess.run([*mutmut, "run", "--max-children", str(children), *only], cwd=where, env=env)
    finally:
        stop_servers(servers)
    results = subprocess.run(
        [*mutmut, "results", "--all", "true"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    statuses = dict(
        line.strip().rsplit(": ", 1) for line in results.splitlines() if ": " in line.strip()
    )
    survivors = sorted((name, status) for name, status in statuses.items() if status in NOT_KILLED)
    scored = [s for s in statuses.values() if s in KILLED or s in NOT_KILLED]
    killed = sum(s in KILLED for s in scored)
    return killed, len(scored), survivors


def stop_servers(tmp: Path) -> None:
    """Stop the PostgreSQL servers left running under `tmp`, then delete it.

    A test stops its server when it ends, but a mutant that hangs is killed at its
    timeout, and then nothing stops the server it started. Every test server of a run
    lives under the run's own TMPDIR (`tests.support.postgres`), so these, and no one
    else's, are the ones to stop.
    """
    pids = []
    for pidfile in tmp.glob("attune-pg-*/data/postmaster.pid"):
        try:
            pid = int(pidfile.read_text().split()[0])
            os.kill(pid, signal.SIGQUIT)  # PostgreSQL's immediate shutdown
            pids.append(pid)
        except (OSError, ValueError, IndexError):
            continue  # stopped meanwhile
    deadline = time.monotonic() + 30
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if _alive(pid)]
        time.sleep(0.2)
    shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _why(name: str) -> str:
    if name in EQUIVALENT:
        return f"  [equivalent: {EQUIVALENT[name]}]"
    if name in KILLED_ELSEWHERE:
        return f"  [killed by {KILLED_ELSEWHERE[name]}]"
    return ""


def main(argv: list[str]) -> int:
    chosen = [t for t in TARGETS if not argv or t.name in argv]
    children = int(os.environ.get("MUTATE_CHILDREN", "1"))
    report: list[str] = []
    for target in chosen:
        killed, total, survivors = run(target, children)
        equivalent = [name for name, _ in survivors if name in EQUIVALENT]
        elsewhere = [name for name, _ in survivors if name in KILLED_ELSEWHERE]
        score = 100 * killed / total if total else 0.0
        counted = total - len(equivalent)
        net = 100 * (killed + len(elsewhere)) / counted if counted else 0.0
        report.append(
            f"{target.name}: {killed}/{total} killed ({score:.0f} %); "
            f"{killed + len(elsewhere)}/{counted} ({net:.0f} %) with {len(elsewhere)} killed "
            f"by tests outside the target, without {len(equivalent)} documented equivalents"
        )
        for name, status in survivors:
            report.append(f"  {status}: {name}{_why(name)}")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
