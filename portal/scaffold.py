"""``flask portal new-sector NAME``: a new sector plugin package, ready to install.

The package it writes (from ``portal/scaffold_template/``) registers its entry point,
implements the required hooks with a small valid policy, and carries tests on
:mod:`portal.testing` that pass as generated; docs/plugins.md walks through the rest.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

import click
from flask.cli import with_appcontext

from portal.plugins import sectors

TEMPLATE_DIR = Path(__file__).with_name("scaffold_template")
TEMPLATE_SUFFIX = ".tmpl"
# The key also names a Python package, and the demo numbers a sector's tickets with
# its first three characters, which a ticket prefix allows only as letters or digits.
NAME = re.compile(r"[a-z][a-z0-9]{2,}(?:_[a-z0-9]+)*")
MAX_NAME = 31


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a sector key, or None."""
    if not NAME.fullmatch(name) or len(name) > MAX_NAME:
        return (
            f"invalid sector name {name!r}: use 3-{MAX_NAME} lowercase letters and digits, "
            "starting with a letter, words joined by '_' (e.g. 'laundry', 'car_dealer')"
        )
    return None


def template_values(name: str, name_zh: str | None = None) -> dict[str, str]:
    words = name.split("_")
    title = " ".join(words).capitalize()
    return {
        "name": name,
        "package": f"tousu_sector_{name}",
        "distribution": f"tousu-sector-{'-'.join(words)}",
        "title": title,
        "title_zh": name_zh or title,
        "prefix": name[:3].upper(),
    }


def write_sector(name: str, target: Path, name_zh: str | None = None) -> list[Path]:
    """Write the package for sector ``name`` into ``target`` (which must not exist)."""
    values = template_values(name, name_zh)
    written = []
    for source in sorted(TEMPLATE_DIR.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = str(source.relative_to(TEMPLATE_DIR)).format(**values)
        path = target / relative.removesuffix(TEMPLATE_SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


@click.command("new-sector")
@click.argument("name")
@click.option(
    "--path",
    "path",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to create (default: ./sector-NAME).",
)
@click.option("--name-zh", help="The sector's Chinese name (default: the English one).")
@with_appcontext
def new_sector_command(name: str, path: Path | None, name_zh: str | None) -> None:
    """Write a pip-installable sector plugin package named NAME, with passing tests."""
    problem = name_problem(name)
    if problem:
        raise click.ClickException(problem)
    if name in sectors().sectors:
        raise click.ClickException(f"a sector named {name!r} is already installed")
    target = path or Path(f"sector-{name.replace('_', '-')}")
    if target.exists():
        raise click.ClickException(f"{target} already exists; choose another --path")
    for written in write_sector(name, target, name_zh):
        click.echo(f"  wrote {written}")
    click.echo(
        f"\nSector {name!r} is ready in {target}. Next:\n"
        f"  pip install -e {target}\n"
        f"  (cd {target} && pytest)\n"
        f"  flask portal create-tenant --slug my-{name.replace('_', '-')} "
        f"--name 'My {name}' --sector {name} --prefix {template_values(name)['prefix']}\n"
        "The walkthrough and the hook reference are in docs/plugins.md."
    )
