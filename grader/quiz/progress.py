"""Progress: every answer in a local SQLite database, and an FSRS card per question for --review.

Where: $KLDRILL_DATA_DIR/progress.sqlite3 when that variable is set, else the user data directory
(platformdirs: ~/.local/share/kl-drill on Linux).

Safety: the file is never deleted, replaced or repaired. A file that is not our database, a database
from a newer kldrill, a lock held by another program, or a folder that cannot be written stops the
quiz before the first question with a ProgressError naming the file; each answer is committed on
its own, so an interrupted quiz keeps every answer given.

Exercises share the database (schema 2): every mock-interview or drill attempt is a row of
`exercise_attempts`, and each exercise has an FSRS card in `cards` under the bank name "exercises"
(no quiz bank can have that name: the others are "builtin" or an absolute path). A version-1 file is
upgraded in place by adding the table; nothing in it changes.

Scheduling: FSRS (the `fsrs` package) with desired retention 0.9; right -> Rating.Good, wrong ->
Rating.Again. A quiz question is answered once per sitting rather than drilled like a flashcard, so
there is one learning step of a minute: a question answered right goes straight to FSRS's day-scale
intervals, and one answered wrong is due again a minute later, i.e. at the next `kldrill quiz --review`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping

from grader.quiz.text import qt
from grader.resources import questions_file

if TYPE_CHECKING:
    from grader.quiz.bank import Bank

ENV_VAR = "KLDRILL_DATA_DIR"
DB_NAME = "progress.sqlite3"
SCHEMA_VERSION = 2
BUSY_TIMEOUT = 2.0  # seconds to wait for another kldrill's write to finish before calling it locked
BUILTIN_BANK = "builtin"
EXERCISE_BANK = "exercises"  # the cards of the exercises, beside the quiz banks' cards
RATINGS = ("again", "hard", "good", "easy")

_SCHEMA = """
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    bank TEXT NOT NULL,
    question TEXT NOT NULL,
    topic TEXT NOT NULL,
    correct INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    lang TEXT NOT NULL
);
CREATE INDEX reviews_by_bank ON reviews (bank, question);
CREATE TABLE cards (
    bank TEXT NOT NULL,
    question TEXT NOT NULL,
    topic TEXT NOT NULL,
    due TEXT NOT NULL,
    card TEXT NOT NULL,
    PRIMARY KEY (bank, question)
);
"""

# Schema 2: the attempts at exercises (mock interviews, fix-the-bug drills). Created by a new file
# and added to a version-1 file.
_SCHEMA_2 = """
CREATE TABLE exercise_attempts (
    id INTEGER PRIMARY KEY,
    exercise TEXT NOT NULL,
    mode TEXT NOT NULL,
    passed INTEGER NOT NULL,
    rating TEXT,
    seconds REAL,
    attempts INTEGER NOT NULL,
    hints INTEGER NOT NULL,
    detail TEXT NOT NULL,
    started_at TEXT NOT NULL,
    lang TEXT NOT NULL
);
CREATE INDEX attempts_by_exercise ON exercise_attempts (exercise);
"""


@dataclass(frozen=True)
class ExerciseCard:
    """What the schedule knows of one exercise."""
    exercise: str
    # When it is next due: its FSRS card's due date, or, for an exercise whose attempts were never
    # rated (interrupted, guided), its first attempt's start: due since then, a fixed time.
    due: datetime
    # FSRS's probability of recall now, 0..1: 0 after a give-up (the learner could not recall it), None
    # when no attempt was rated (nothing is known of recall).
    retrievability: float | None
    attempts: int
    passes: int
    last_rating: str | None


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    override = env.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs  # ~50 ms; only when the default location is needed

    return Path(platformdirs.user_data_dir("kl-drill", appauthor=False))


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    return data_dir(environ) / DB_NAME


def database_exists(path: Path | None = None) -> bool:
    """Whether the progress database is there, for commands that only look (they must not create it).
    A data folder that is a file (KLDRILL_DATA_DIR set to one) is a ProgressError, not "nothing yet"."""
    path = Path(path) if path is not None else default_db_path()
    if path.parent.exists() and not path.parent.is_dir():
        raise ProgressError(path.parent, "progress_dir_is_file")
    return path.exists()


def bank_key(path: Path) -> str:
    """How the database names a bank: the shipped bank by a fixed name (its path differs between an
    editable and a wheel install, and across upgrades), any other bank by its absolute path."""
    resolved = Path(path).resolve()
    return BUILTIN_BANK if resolved == questions_file().resolve() else str(resolved)


class ProgressError(Exception):
    """The progress database cannot be used; render(lang) names the file and what to do."""

    def __init__(self, path: Path, problem: str, **params: object) -> None:
        self.path = Path(path)
        self.problem = problem  # a key of grader/data/quiz.yaml
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str) -> str:
        return qt(self.problem, lang, path=self.path, env=ENV_VAR, **self.params)


def _classify(exc: sqlite3.Error, path: Path) -> ProgressError:
    name = getattr(exc, "sqlite_errorname", "")  # Python >= 3.11
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return ProgressError(path, "progress_locked")
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text or "malformed" in text:
        return ProgressError(path, "progress_corrupt", reason=text)
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_FULL")) \
            or "readonly" in text or "unable to open" in text:
        return ProgressError(path, "progress_unwritable", reason=text)
    return ProgressError(path, "progress_failed", reason=text)


@dataclass(frozen=True)
class TopicStats:
    topic: str
    questions: int  # in the bank
    seen: int  # of those, answered at least once
    answers: int
    correct: int
    due: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None


class Store:
    """One open progress database. Use Store.open(); every method commits before returning."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], datetime]) -> None:
        from fsrs import Scheduler  # ~25 ms; kept out of `kldrill quiz --help`

        self._conn = conn
        self.path = path
        self._clock = clock
        step = (timedelta(minutes=1),)
        self._scheduler = Scheduler(desired_retention=0.9, learning_steps=step, relearning_steps=step)
        # An exercise is re-drilled on day-scale intervals from the first attempt (a give-up or a pass with
        # hints: the next day; Good: two days; Easy: eight), not a minute later like a missed question.
        self._exercise_scheduler = Scheduler(desired_retention=0.9, learning_steps=(), relearning_steps=(),
                                             enable_fuzzing=False)

    @classmethod
    def open(cls, path: Path | None = None, *, clock: Callable[[], datetime] | None = None,
             timeout: float | None = None) -> Store:
        """Open (creating if needed) and check that the database is ours, sound and writable."""
        path = Path(path) if path is not None else default_db_path()
        if path.is_dir():
            raise ProgressError(path, "progress_is_folder")
        database_exists(path)  # its folder a file: said as such
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProgressError(path, "progress_unwritable", reason=exc.strerror or str(exc)) from None
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT if timeout is None else timeout,
                                   isolation_level=None)  # explicit BEGIN/COMMIT below
        except sqlite3.Error as exc:
            raise _classify(exc, path) from None
        try:
            cls._prepare(conn, path)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, clock or _utcnow)

    @staticmethod
    def _prepare(conn: sqlite3.Connection, path: Path) -> None:
        try:
            # Reads first: a file that is not SQLite, or locked, fails here before anything is written.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ProgressError(path, "progress_newer", got=version)
            if version == 0:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    version = conn.execute("PRAGMA user_version").fetchone()[0]  # another kldrill may have won
                    tables = conn.execute("SELECT name FROM sqlite_master").fetchall()
                    if version == 0 and tables:
                        raise ProgressError(path, "progress_foreign")
                    if version == 0:
                        _execute_all(conn, _SCHEMA + _SCHEMA_2)
                        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            if version == 1:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    if conn.execute("PRAGMA user_version").fetchone()[0] == 1:
                        _execute_all(conn, _SCHEMA_2)
                        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise ProgressError(path, "progress_corrupt", reason=check)
            # Take the write lock once and let go: a locked or read-only database is found now, before
            # the learner answers anything, rather than at the first answer.
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise _classify(exc, path) from None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> datetime:
        return self._clock()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write, committed whole or rolled back; a database error becomes a ProgressError."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise _classify(exc, self.path) from None

    def _review(self, scheduler, bank: str, question: str, topic: str, rating, now: datetime):  # -> fsrs.Card
        """Reschedule the card of (bank, question) with ``rating`` and store it (inside a transaction)."""
        from fsrs import Card

        row = self._conn.execute("SELECT card FROM cards WHERE bank = ? AND question = ?",
                                 (bank, question)).fetchone()
        card = (_card_from(row[0]) if row else None) or Card(card_id=int(now.timestamp() * 1000), due=now)
        card, _ = scheduler.review_card(card, rating, review_datetime=now)
        self._conn.execute(
            "INSERT OR REPLACE INTO cards (bank, question, topic, due, card) VALUES (?, ?, ?, ?, ?)",
            (bank, question, topic, card.due.isoformat(), json.dumps(card.to_dict())))
        return card

    def record(self, bank: str, question: str, topic: str, correct: bool, lang: str) -> datetime:
        """Store one answer and reschedule its card; returns when the question is next due."""
        from fsrs import Rating

        now = self._clock()
        with self._transaction():
            card = self._review(self._scheduler, bank, question, topic, Rating.Good if correct else Rating.Again, now)
            self._conn.execute(
                "INSERT INTO reviews (bank, question, topic, correct, answered_at, lang) VALUES (?, ?, ?, ?, ?, ?)",
                (bank, question, topic, int(correct), now.isoformat(timespec="seconds"), lang))
        return card.due

    def record_exercise(self, exercise: str, mode: str, passed: bool, rating: str | None, seconds: float | None,
                        attempts: int, hints: int, detail: Mapping[str, object], started_at: datetime,
                        lang: str) -> datetime | None:
        """Store one attempt at an exercise; with a rating ("again".."easy"), reschedule its card.
        Returns when the exercise is next due (None: the attempt was not rated)."""
        from fsrs import Rating

        if rating is not None and rating not in RATINGS:
            raise ValueError(f"unknown rating {rating!r}")
        now = self._clock()
        with self._transaction():
            due = None
            if rating is not None:
                due = self._review(self._exercise_scheduler, EXERCISE_BANK, exercise, exercise,
                                   Rating[rating.capitalize()], now).due
            self._conn.execute(
                "INSERT INTO exercise_attempts (exercise, mode, passed, rating, seconds, attempts, hints, "
                "detail, started_at, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (exercise, mode, int(passed), rating, seconds, attempts, hints,
                 json.dumps(detail, ensure_ascii=False), started_at.isoformat(timespec="seconds"), lang))
        return due

    def exercise_cards(self) -> dict[str, ExerciseCard]:
        """Every exercise attempted so far: its schedule and its record."""
        now = self._clock()
        cards = {q: _card_from(c) for q, c in self._query("SELECT question, card FROM cards WHERE bank = ?",
                                                            (EXERCISE_BANK,))}
        rows = self._query("SELECT exercise, COUNT(*), SUM(passed), MIN(started_at) FROM exercise_attempts "
                           "GROUP BY exercise", ())
        last = dict(self._query("SELECT exercise, rating FROM exercise_attempts WHERE rating IS NOT NULL "
                                "ORDER BY id", ()))
        out = {}
        for exercise, attempts, passes, first in rows:
            card = cards.get(exercise)
            rating = last.get(exercise)
            if card is None:  # never rated: due since its first attempt, recall unknown
                due, recall = _aware(first) or now, None
            else:
                due = card.due
                recall = 0.0 if rating == "again" else self._exercise_scheduler.get_card_retrievability(card, now)
            out[exercise] = ExerciseCard(exercise=exercise, due=due, retrievability=recall, attempts=attempts,
                                         passes=passes or 0, last_rating=rating)
        return out

    def exercises_due(self, names: Iterable[str]) -> list[str]:
        """Of ``names``, the exercises due now, the longest overdue first: those whose card is due, and
        those attempted but never rated (an interrupted attempt), due since that attempt."""
        order = {name: i for i, name in enumerate(dict.fromkeys(names))}
        now = self._clock()
        dates = {name: card.due for name, card in self.exercise_cards().items() if name in order}
        due = [name for name, when in dates.items() if when <= now]
        return sorted(due, key=lambda name: (dates[name], order[name]))

    def due_dates(self, bank: str) -> dict[str, datetime]:
        """When each question of `bank` answered so far is next due."""
        rows = self._query("SELECT question, due FROM cards WHERE bank = ?", (bank,))
        dates = {qid: _aware(due) for qid, due in rows}
        return {qid: when for qid, when in dates.items() if when is not None}

    def due(self, bank: str, question_ids: Iterable[str]) -> list[str]:
        """Of `question_ids`, those due now, the longest overdue first (ties in the order given)."""
        order = {qid: i for i, qid in enumerate(dict.fromkeys(question_ids))}
        now, dates = self._clock(), self.due_dates(bank)
        due = [qid for qid, when in dates.items() if qid in order and when <= now]
        return sorted(due, key=lambda qid: (dates[qid], order[qid]))

    def next_due(self, bank: str, question_ids: Iterable[str]) -> datetime | None:
        wanted = set(question_ids)
        upcoming = [when for qid, when in self.due_dates(bank).items() if qid in wanted]
        return min(upcoming, default=None)

    def answers(self, bank: str | None = None) -> list[tuple[str, str, bool]]:
        """(question, topic, correct) of every answer recorded, oldest first."""
        sql = "SELECT question, topic, correct FROM reviews"
        if bank:
            rows = self._query(sql + " WHERE bank = ? ORDER BY id", (bank,))
        else:
            rows = self._query(sql + " ORDER BY id", ())
        return [(q, t, bool(c)) for q, t, c in rows]

    def topic_stats(self, bank_name: str, bank: Bank) -> list[TopicStats]:
        """Per topic of `bank`: questions, seen, answers, correct and due now."""
        topic_of = {q.id: q.topic for q in bank.questions}
        counts = self._query("SELECT question, topic, COUNT(*), SUM(correct) FROM reviews WHERE bank = ? "
                             "GROUP BY question, topic", (bank_name,))
        due_now = set(self.due(bank_name, topic_of))
        return _per_topic(bank, [(topic_of.get(q, t), q, n, c) for q, t, n, c in counts], due_now)

    def _query(self, sql: str, params: tuple) -> list[tuple]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise _classify(exc, self.path) from None


def _execute_all(conn: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def empty_stats(bank: Bank) -> list[TopicStats]:
    """Stats before anything was recorded (no database yet: --stats does not create one)."""
    return _per_topic(bank, [], set())


def _per_topic(bank: Bank, counts: list[tuple[str, str, int, int]], due_now: set[str]) -> list[TopicStats]:
    topics = bank.topics() + sorted({topic for topic, *_ in counts} - set(bank.topics()))
    stats = []
    for topic in topics:
        in_bank = [q.id for q in bank.questions if q.topic == topic]
        mine = [(qid, n, c) for t, qid, n, c in counts if t == topic]
        stats.append(TopicStats(
            topic=topic, questions=len(in_bank), seen=len({qid for qid, _, _ in mine if qid in in_bank}),
            answers=sum(n for _, n, _ in mine), correct=sum(c for _, _, c in mine),
            due=len(due_now & set(in_bank))))
    return stats


def _card_from(text: str):  # -> fsrs.Card | None
    from fsrs import Card

    try:
        card = Card.from_dict(json.loads(text))
        card.due = _aware(card.due.isoformat())
        return card if card.due is not None else None
    except Exception:  # noqa: BLE001 - any damage (a hand edit, a wrong type) is an unreadable card
        return None  # an unreadable card restarts scheduling; the answers themselves are kept


def _aware(text: object) -> datetime | None:
    """A time stored as ISO text, in UTC when it says no zone; None if it is not one."""
    try:
        when = datetime.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)
