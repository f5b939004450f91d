"""Resident search at scale: median time per kind of query over ``n`` residents, each beside a
``LIKE '%x%'`` full scan asking the same question in the same run, plus the cost of the
triggers that keep the index (bulk Core insert with and without them) and of pinyin.

Each store is a real (encrypted) one; the searches run signed in as a doctor (searching
needs the right to view records).

    python bench/search_bench.py [n]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from fdclient.domain.identity import make_id_number
from fdclient.domain.roles import Role
from fdclient.models import Resident, Village, new_id
from fdclient.services.registry.pinyin import pinyin_of_name
from fdclient.services.registry.search import deferred_search_index, search_residents
from fdclient.services.staff.accounts import add_account
from fdclient.store import Store, create_store, open_store, sign_in

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤单解仇朴查区"
)
COMPOUND = ("欧阳", "司马", "诸葛", "上官", "尉迟", "万俟")
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰志强文辉海燕红梅小红"
    "金凤春梅丹玲亮云飞鹏宇浩然子轩梓涵欣怡雨萱思远晨阳佳琪俊杰家豪德福有才淑珍秋菊冬梅振华"
)
REPEAT = 15
LIMIT = 50
PASSWORD = "bench-password-1"


def _names(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        surname = rng.choice(COMPOUND) if rng.random() < 0.01 else rng.choice(SURNAMES)
        given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
        out.append(surname + given)
    return out


def _rows(n: int, villages: list[Any], rng: random.Random) -> list[dict[str, Any]]:
    names = _names(rng, n)
    rows = []
    for i, name in enumerate(names):
        py, ini = pinyin_of_name(name)
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(90 * 365))
        village = villages[i % len(villages)]
        rows.append(
            {
                "village_id": village["id"],
                "name": name,
                "name_pinyin": py,
                "name_initials": ini,
                "sex": 1 + i % 2,
                "birth_date": born,
                # the sequence keeps numbers unique: 1000 per (birth date) is plenty here
                "id_number": make_id_number("360111", born, (i * 7919) % 1000),
                "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "health_record_no": f"360111101{village['record_segment']}{i // len(villages):05d}",
            }
        )
    # ID numbers must be unique among active residents: drop the rare collisions.
    seen: set[str] = set()
    for row in rows:
        if row["id_number"] in seen:
            row["id_number"] = None
        seen.add(row["id_number"])
    return rows


def _village_rows(count: int = 20) -> list[dict[str, Any]]:
    return [
        {"id": new_id(), "code": f"360111101{200 + k:03d}", "name": f"第{k + 1}村", "record_segment": f"{101 + k:03d}"}
        for k in range(count)
    ]


def _store(
    folder: Path,
    villages: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    *,
    triggers: bool = True,
    deferred: bool = False,
    batch: int = 5000,
) -> tuple[Store, float]:
    """A new store holding ``rows``, and the seconds their Core insert took (with the
    search triggers, without them, or with the index deferred and rebuilt at the end)."""
    store = create_store(folder, "360111101", "罗家镇", admin_username="admin", admin_password=PASSWORD)
    with store.write() as session:
        conn = session.connection()
        conn.execute(insert(Village), [{**v, "township_id": store.info.township_id} for v in villages])
        if not triggers:
            for kind in ("insert", "update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER trg_resident_search_{kind}")
    t0 = time.perf_counter()
    with store.write() as session:
        conn = session.connection()
        with deferred_search_index(conn) if deferred else nullcontext():
            for start in range(0, len(rows), batch):
                conn.execute(insert(Resident), rows[start : start + batch])
    return store, time.perf_counter() - t0


def _as_doctor(store: Store) -> Store:
    """The store closed and opened again by a doctor's account made for the bench."""
    add_account(store, "doctor", Role.DOCTOR, PASSWORD)
    folder = store.paths.folder
    store.close()
    return open_store(folder, sign_in(folder, "doctor", PASSWORD), daily_backup=False)


def _median_ms(fn: Callable[[], Any]) -> float:
    fn()  # warm the page cache
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


_LIKE = (
    "SELECT id, name, name_pinyin FROM residents WHERE voided_at IS NULL AND ({where})"
    " ORDER BY name_pinyin, name LIMIT :limit"
)
_LIKE_NAME = "name LIKE :p"
_LIKE_PINYIN = "name_initials LIKE :prefix OR replace(name_pinyin, ' ', '') LIKE :prefix"
_LIKE_NUMBER = "id_number LIKE :p OR replace(phone, '-', '') LIKE :p OR health_record_no LIKE :p"


def _queries(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(label, query, LIKE condition) for each kind of query, taken from the data."""
    full = next(r for r in rows if len(r["name"]) == 3 and r["name"][0] in "张王李")
    two = next(r for r in rows if len(r["name"]) == 2)
    return [
        ("1 character (surname 张)", "张", _LIKE_NAME),
        ("2 characters (name)", two["name"], _LIKE_NAME),
        ("3 characters (full name)", full["name"], _LIKE_NAME),
        ("1 character inside names (华)", "华", _LIKE_NAME),
        ("initials, 1 letter (z)", "z", _LIKE_PINYIN),
        ("initials, 2 letters", full["name_initials"][:2], _LIKE_PINYIN),
        ("initials, full", full["name_initials"], _LIKE_PINYIN),
        ("pinyin prefix (zhang)", "zhang", _LIKE_PINYIN),
        ("pinyin, full", full["name_pinyin"], _LIKE_PINYIN),
        ("ID number fragment (6)", full["id_number"][8:14], _LIKE_NUMBER),
        ("ID number fragment (3)", full["id_number"][-4:-1], _LIKE_NUMBER),
        ("phone fragment (4)", full["phone"][-4:], _LIKE_NUMBER),
        ("phone, full", full["phone"], _LIKE_NUMBER),
        ("health record number prefix", full["health_record_no"][:14], _LIKE_NUMBER),
    ]


def _like_params(query: str) -> dict[str, Any]:
    q = query.replace(" ", "")
    return {"p": f"%{q.upper() if q.isdigit() else q}%", "prefix": f"{q}%", "limit": LIMIT}


def _size(store: Store) -> float:
    """Size of the store's database after a checkpoint, in MiB."""
    store.checkpoint()
    return store.path.stat().st_size / 2**20


def _search_ms(session: Session, query: str) -> float:
    return _median_ms(lambda: search_residents(session, query, limit=LIMIT))


def _like_ms(session: Session, sql: str, params: dict[str, Any]) -> float:
    return _median_ms(lambda: session.execute(text(sql), params).all())


def run(n: int = 100_000) -> list[tuple[str, float, str]]:
    results: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rng_names = _names(random.Random(1), 20_000)
        pinyin_of_name("张")  # imports pypinyin (its dictionaries load in ≈ 0.25 s)
        t0 = time.perf_counter()
        for name in rng_names:
            pinyin_of_name(name)
        results.append(
            (
                "pinyin_of_name, per name (20k generated names, cold cache)",
                (time.perf_counter() - t0) / len(rng_names) * 1e6,
                "µs",
            )
        )

        villages = _village_rows()
        rows = _rows(n, villages, random.Random(20261123))
        plain, plain_seconds = _store(Path(tmp) / "plain", villages, rows, triggers=False)
        with plain:
            plain_size = _size(plain)
        deferred, deferred_seconds = _store(Path(tmp) / "deferred", villages, rows, deferred=True)
        with deferred:
            deferred_size = _size(deferred)
        indexed, seconds = _store(Path(tmp) / "indexed", villages, rows)
        indexed_size = _size(indexed)
        results.append(("bulk Core insert, search triggers on", n / seconds, "rows/s"))
        results.append(("bulk Core insert in deferred_search_index (rebuild at end)", n / deferred_seconds, "rows/s"))
        results.append(("  baseline: same insert without the search triggers", n / plain_seconds, "rows/s"))

        with _as_doctor(indexed) as store, store.read() as session:
            for label, query, where in _queries(rows):
                hits = search_residents(session, query, limit=LIMIT)
                sql = _LIKE.format(where=where)
                params = _like_params(query)
                like_hits = session.execute(text(sql), params).all()
                results.append((f"search {label}: {query!r} ({len(hits)} hits)", _search_ms(session, query), "ms"))
                results.append(
                    (f"  baseline LIKE full scan ({len(like_hits)} hits)", _like_ms(session, sql, params), "ms")
                )
        results.append(("store file, search index kept by triggers", indexed_size, "MiB"))
        results.append(("store file, search index rebuilt after bulk load", deferred_size, "MiB"))
        results.append(("  baseline: store file without search index", plain_size, "MiB"))
    return results


if __name__ == "__main__":
    for name, value, unit in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000):
        print(f"{name:72s} {value:10.2f} {unit}")
