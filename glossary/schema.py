"""Database tables (SQLAlchemy 2 typed models). Migrations live in glossary/migrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Search keys compare byte-wise on every backend, so a prefix is a simple range scan.
KeyString = String(200).with_variant(String(200, collation="C"), "postgresql")


class Base(DeclarativeBase):
    pass


class TermRow(Base):
    """One concept. Lists (variants, renderings, sources, related) are JSON: always read whole."""

    __tablename__ = "terms"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    simplified: Mapped[str] = mapped_column(String(200), index=True)
    traditional: Mapped[str] = mapped_column(String(200))
    traditional_curated: Mapped[bool] = mapped_column(Boolean, default=False)
    variants: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    pinyin: Mapped[str] = mapped_column(String(400))
    pinyin_plain: Mapped[str] = mapped_column(String(400))
    pinyin_numbers: Mapped[str] = mapped_column(String(400))
    pinyin_curated: Mapped[bool] = mapped_column(Boolean, default=False)
    pinyin_note: Mapped[str] = mapped_column(Text, default="")
    renderings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    preferred: Mapped[str] = mapped_column(String(400))
    domain: Mapped[str] = mapped_column(String(40), index=True)
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
    term_id: Mapped[str] = mapped_column(String(80), ForeignKey("terms.id", ondelete="CASCADE"), primary_key=True)

    # The primary key (field, key, rank, term_id) is the search index, in the order results are
    # wanted; SQLite keeps the rows in it.
    __table_args__ = (
        Index("ix_search_keys_term_id", "term_id"),
        {"sqlite_with_rowid": False},
    )


class Meta(Base):
    """Store-wide values: the revision counter and what terms.csv the store was seeded from."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
