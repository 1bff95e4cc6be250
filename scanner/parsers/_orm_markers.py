"""Text that every ORM model or migration file contains, checked before anything is imported.

Kept apart from scanner.parsers.orm so that the pre-commit hook can tell a plain Python module
from an ORM one without parsing it.
"""

# A file without any of these cannot declare a model or a migration. The package names catch
# aliased imports (`from django.db import models as m` leaves no "models." in the text).
MARKERS = (
    "models.Model", "models.", "migrations.", "Column(", "mapped_column", "op.create_table",
    "op.add_column", "declarative_base", "DeclarativeBase", "db.Model", "AbstractUser",
    "AbstractBaseUser", "django.db", "sqlalchemy", "alembic",
)


def may_define_models(text: str) -> bool:
    return any(marker in text for marker in MARKERS)
