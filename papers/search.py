"""Full-text search of the archive on PostgreSQL: each published version keeps its weighted
text-search vector in `search_vector`, written by a trigger whenever a row is inserted or
updated (bulk inserts too) and read through a GIN index, so a search no longer builds the
vector of every published item twice per request (the match and the rank).

The searched fields and their weights are those of papers.views (PAPER_SEARCH_FIELDS,
RECORDING_SEARCH_FIELDS): a title counts in every language it is written in (A), then the
abstract or transcript (B), then the body (C). The migration that made the triggers reads
`trigger_sql`; a change of fields or languages needs a migration that runs it again.
"""

# PostgreSQL's text search configuration: most of the archive is in English.
SEARCH_CONFIG = "english"
WEIGHTS = "ABCD"

# table -> its searched fields, in order of weight; translated ones have a column per language.
SEARCHED = {
    "papers_paperversion": (("title", True), ("abstract", True), ("body", False)),
    "papers_recordingversion": (("title", True), ("transcript", False)),
}


def _vector_sql(fields, languages) -> str:
    parts = []
    for (name, translated), weight in zip(fields, WEIGHTS, strict=False):
        columns = [f"{name}_{code}" for code in languages] if translated else [name]
        text = " || ' ' || ".join(f"COALESCE(NEW.{column}, '')" for column in columns)
        parts.append(f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, {text}), '{weight}')")
    return " || ".join(parts)


def trigger_sql(languages) -> list[str]:
    """The statements that (re)make each table's trigger and index and fill its vectors."""
    statements = []
    for table, fields in SEARCHED.items():
        function = f"{table}_search_vector"
        statements += [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
            f"NEW.search_vector := {_vector_sql(fields, languages)}; RETURN NEW; END $$ "
            "LANGUAGE plpgsql",
            f"DROP TRIGGER IF EXISTS {function} ON {table}",
            f"CREATE TRIGGER {function} BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
            # Fills the vectors of the rows already there (the trigger runs on the update).
            f"UPDATE {table} SET search_vector = NULL",  # noqa: S608 (our table names)
            f"CREATE INDEX IF NOT EXISTS {table}_search ON {table} USING gin (search_vector)",
            f"ANALYZE {table}",
        ]
    return statements


def drop_sql() -> list[str]:
    statements = []
    for table in SEARCHED:
        function = f"{table}_search_vector"
        statements += [
            f"DROP INDEX IF EXISTS {table}_search",
            f"DROP TRIGGER IF EXISTS {function} ON {table}",
            f"DROP FUNCTION IF EXISTS {function}()",
        ]
    return statements
