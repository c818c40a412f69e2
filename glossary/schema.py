"""Database tables (SQLAlchemy 2 typed models). Migrations live in glossary/migrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .validate import LIMITS

#: Search keys compare byte-wise on every backend, so a prefix is a simple range scan.
KeyString = String(LIMITS["key"]).with_variant(String(LIMITS["key"], collation="C"), "postgresql")


class Base(DeclarativeBase):
    pass


class TermRow(Base):
    """One concept. Lists (variants, renderings, sources, related) are JSON: always read whole."""

    __tablename__ = "terms"

    id: Mapped[str] = mapped_column(String(LIMITS["id"]), primary_key=True)
    #: Counts the entry's writes; a write names the version it read (compare-and-swap).
    version: Mapped[int] = mapped_column(Integer, default=1)
    simplified: Mapped[str] = mapped_column(String(LIMITS["simplified"]), index=True)
    traditional: Mapped[str] = mapped_column(String(LIMITS["traditional"]))
    traditional_curated: Mapped[bool] = mapped_column(Boolean, default=False)
    variants: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    pinyin: Mapped[str] = mapped_column(String(LIMITS["pinyin"]))
    pinyin_plain: Mapped[str] = mapped_column(String(LIMITS["pinyin"]))
    pinyin_numbers: Mapped[str] = mapped_column(String(2 * LIMITS["pinyin"]))
    pinyin_curated: Mapped[bool] = mapped_column(Boolean, default=False)
    pinyin_note: Mapped[str] = mapped_column(Text, default="")
    renderings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    preferred: Mapped[str] = mapped_column(Text)  # up to LIMITS["preferred"], checked by the validator
    domain: Mapped[str] = mapped_column(String(LIMITS["domain"]), index=True)
    definition: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    related: Mapped[list[str]] = mapped_column(JSON, default=list)
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SearchKey(Base):
    """A normalised key under which a term is found.

    Fields: ``hz`` folded Chinese forms, ``hzs`` their proper suffixes (substring search),
    ``py`` toneless pinyin run together, ``pyb`` toneless pinyin with its syllables
    marked (``xi'an``), ``pyt`` toned pinyin, ``pyi`` initials, ``en`` whole English
    renderings, ``enw`` English words. ``rank`` is the rendering status rank for English keys.
    """

    __tablename__ = "search_keys"

    field: Mapped[str] = mapped_column(String(4), primary_key=True)
    key: Mapped[str] = mapped_column(KeyString, primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: The entry's id. No foreign key: the write path inserts and deletes an entry's keys with it
    #: (a constraint cost PostgreSQL a lookup per key row, ~6 s of a 117k-entry import).
    term_id: Mapped[str] = mapped_column(String(LIMITS["id"]), primary_key=True)

    # The primary key (field, key, rank, term_id) is the search index, in the order results are
    # wanted; SQLite keeps the rows in it.
    __table_args__ = (
        Index("ix_search_keys_term_id", "term_id"),
        {"sqlite_with_rowid": False},
    )


class Revision(Base):
    """One write to one entry: the whole record before and after (its terms.csv cells, as JSON),
    who, when, why and from where. Written in the transaction that makes the change."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The store revision the write made (one per transaction: a batch shares it).
    revision: Mapped[int] = mapped_column(Integer, index=True)
    term_id: Mapped[str] = mapped_column(String(LIMITS["id"]))
    #: The entry's version after the write (for a withdrawal, the version withdrawn + 1).
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # create, update, withdraw
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    author: Mapped[str] = mapped_column(String(LIMITS["author"]), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(LIMITS["origin"]), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_revisions_term_id", "term_id", "id"),)


class Change(Base):
    """The change log: which entries each store revision touched. Workers read it (cheaply, by
    revision) to bring what they keep up to date. ``term_id`` ``*`` means every entry."""

    __tablename__ = "changes"

    revision: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    term_id: Mapped[str] = mapped_column(String(LIMITS["id"]), primary_key=True)


class Meta(Base):
    """Store-wide values: the revision counter, the search keys' version, what seeded the store."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
