"""Copy the load test's SQLite database into a migrated, empty PostgreSQL database, table by table (COPY).

    python bench/load_copy.py SQLITE_FILE POSTGRES_URL

``bench/load.py`` fills the SQLite database first (``load_data.py``: the clones and their stored summaries,
computed by the production code) and then copies it, so that both databases hold the same rows and the
summaries are computed once. PostgreSQL must already be migrated by the same code (same tables and columns):
every table is emptied, copied with foreign-key triggers off (``session_replication_role = replica``), and its
id sequence set past the highest id. Prints one JSON line: rows copied and seconds.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from pathlib import Path


def copy(sqlite_file: Path, postgres_url: str) -> dict[str, float]:
    import psycopg

    source = sqlite3.connect(sqlite_file)
    tables = [
        name
        for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if not name.startswith("sqlite_")
    ]
    started = time.perf_counter()
    rows = 0
    with psycopg.connect(postgres_url) as target:
        target.execute("SET session_replication_role = replica")
        target.execute("SET TIME ZONE 'UTC'")
        existing = {
            name
            for (name,) in target.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchall()
        }
        tables = [t for t in tables if t in existing]
        target.execute("TRUNCATE {} CASCADE".format(", ".join(f'"{t}"' for t in tables)))
        for table in tables:
            cursor = source.execute(f'SELECT * FROM "{table}"')
            columns = ", ".join(f'"{d[0]}"' for d in cursor.description)
            with target.cursor().copy(f'COPY "{table}" ({columns}) FROM STDIN') as out:
                for row in cursor:
                    out.write_row(row)
                    rows += 1
            has_id = target.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'id'",
                (table,),
            ).fetchone()
            sequence = (
                target.execute("SELECT pg_get_serial_sequence(%s, 'id')", (f'"{table}"',)).fetchone()
                if has_id
                else None
            )
            if sequence and sequence[0]:
                target.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
                )
        target.execute("ANALYZE")
    return {"rows": rows, "copy_s": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sqlite_file", type=Path)
    parser.add_argument("postgres_url")
    args = parser.parse_args(argv)
    print(json.dumps(copy(args.sqlite_file, args.postgres_url)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
