"""Checks of the pt-BR catalogues, shared by every service's ``tests/test_translations.py``.

- ``catalogue_problems``: every msgid of a ``.po`` has a non-empty, non-fuzzy msgstr (and every plural
  form), so nothing a person reads falls back to its English msgid in pt-BR.
- ``compiled_catalogue_problems``: the committed ``.mo`` holds exactly the ``.po``'s translations (it was
  compiled after the last edit: ``scripts/compile_locales.sh``).
- ``label_problems``: every model, field, choice, help text, admin action, column and filter of the
  project's own admin goes through ``gettext_lazy`` (a plain string never reaches the catalogue).
- ``admin_page_problems``: the admin's changelists, add and change forms rendered in pt-BR show none
  of the catalogue's English msgids.
- ``api_error_problems``: every ``ApiError`` class's ``detail`` has a pt-BR translation and is English
  under ``en`` (each service's test also checks over HTTP that the ``code`` stays the same).
"""

from __future__ import annotations

import html.parser
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import polib
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

COMMON_PO = Path(__file__).resolve().parent.parent / "locale" / "pt_BR" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{\w*\}|%%|%[sd]")


def service_po(base_dir: Path) -> Path:
    return Path(base_dir) / "locale" / "pt_BR" / "LC_MESSAGES" / "django.po"


def catalogue_problems(po_path: Path) -> list[str]:
    """Entries of ``po_path`` a pt-BR reader would see in English: empty, partly empty or fuzzy."""
    if not po_path.exists():
        return [f"{po_path} is missing"]
    problems = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                problems.append(f"untranslated plural: {entry.msgid!r}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {entry.msgid!r}")
    return problems


def _translations(entries: Iterable) -> dict[tuple[str, str], tuple[str, ...]]:
    table = {}
    for entry in entries:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
        else:
            forms = (entry.msgstr,)
        if any(forms):
            table[(entry.msgctxt or "", entry.msgid)] = forms
    return table


def compiled_catalogue_problems(po_path: Path) -> list[str]:
    """Differences between ``po_path`` and the ``.mo`` beside it (missing, stale or extra entries)."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{mo_path} is missing: run scripts/compile_locales.sh"]
    wanted = _translations(polib.pofile(str(po_path)))
    compiled = _translations(polib.mofile(str(mo_path)))
    problems = [f"not compiled: {key[1]!r}" for key in wanted.keys() - compiled.keys()]
    problems += [f"no longer in the .po: {key[1]!r}" for key in compiled.keys() - wanted.keys()]
    problems += [f"stale: {key[1]!r}" for key in wanted.keys() & compiled.keys() if wanted[key] != compiled[key]]
    return sorted(problems)


def project_admins(packages: Iterable[str]) -> list[tuple[type[models.Model], admin.ModelAdmin]]:
    """The admin registry's entries whose model belongs to the project (``packages``), not to Django."""
    prefixes = tuple(f"{package}." for package in packages)
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model.__module__.startswith(prefixes)
        ),
        key=lambda item: item[0]._meta.label,
    )


def _is_translated(value) -> bool:
    return isinstance(value, Promise)


def _field_problems(model: type[models.Model], translated: Callable[[object], bool]) -> list[str]:
    problems = []
    label = model._meta.label
    for name in ("verbose_name", "verbose_name_plural"):
        if not translated(model._meta.original_attrs.get(name, getattr(model._meta, name))):
            problems.append(f"{label}: Meta.{name} {getattr(model._meta, name)!r} is not translated")
    for field in model._meta.get_fields(include_parents=True):
        if field.auto_created or not getattr(field, "concrete", False):
            continue
        if field.model is not model and not field.model.__module__.startswith(model.__module__.split(".")[0]):
            continue  # inherited from Django (AbstractBaseUser.password, last_login ...): Django translates it
        if not translated(field.verbose_name):
            problems.append(f"{label}.{field.name}: verbose_name {field.verbose_name!r} is not translated")
        if field.help_text and not translated(field.help_text):
            problems.append(f"{label}.{field.name}: help_text {field.help_text!r} is not translated")
        for _value, choice_label in field.flatchoices or ():
            if not translated(choice_label):
                problems.append(f"{label}.{field.name}: choice {choice_label!r} is not translated")
    return problems


def label_problems(packages: Iterable[str], po_paths: Iterable[Path] = ()) -> list[str]:
    """Labels of the project's admin that are plain strings (so never translated), and, given the
    catalogues, lazy labels whose msgid none of them holds (new strings: run scripts/update_locales.sh)."""
    problems: list[str] = []
    seen: list[Promise] = []

    def translated(value) -> bool:
        if isinstance(value, Promise):
            seen.append(value)
            return True
        return False

    apps = {model._meta.app_config for model, _model_admin in project_admins(packages)}
    for app in sorted(apps, key=lambda app: app.label):
        if not translated(app.verbose_name):
            problems.append(f"app {app.label}: verbose_name {app.verbose_name!r} is not translated")
    for model, model_admin in project_admins(packages):
        problems += _field_problems(model, translated)
        label = model._meta.label
        for inline in getattr(model_admin, "inlines", ()):
            problems += _field_problems(inline.model, translated)
            plural = inline.verbose_name_plural
            if plural is not None and not translated(plural):
                problems.append(f"{label} inline {inline.__name__}: verbose_name_plural {plural!r} is not translated")
        for name in model_admin.actions or ():
            action = getattr(model_admin, name, None) if isinstance(name, str) else name
            description = getattr(action, "short_description", None)
            if description is not None and not translated(description):
                problems.append(f"{label} action {name}: description {description!r} is not translated")
        for column in model_admin.list_display:
            attribute = getattr(model_admin, column, None) if isinstance(column, str) else column
            description = getattr(attribute, "short_description", None)
            if description is not None and not translated(description):
                problems.append(f"{label} column {column}: description {description!r} is not translated")
        for list_filter in model_admin.list_filter:
            title = getattr(list_filter, "title", None) if isinstance(list_filter, type) else None
            if title is not None and not translated(title):
                problems.append(f"{label} filter {list_filter.__name__}: title {title!r} is not translated")
        for title, _options in model_admin.fieldsets or ():
            if title is not None and not translated(title):
                problems.append(f"{label} fieldset {title!r} is not translated")
    known = {entry.msgid for path in po_paths for entry in polib.pofile(str(path)) if not entry.obsolete}
    if known:
        for msgid in sorted({str(promise._args[0]) for promise in seen if getattr(promise, "_args", None)}):
            with translation.override("pt-br"):
                shown = str(_(msgid))
            if msgid not in known and shown == msgid:
                problems.append(f"{msgid!r} is in no pt-BR catalogue: run scripts/update_locales.sh and translate it")
    return problems


class _VisibleText(html.parser.HTMLParser):
    """The text a person sees (and hears: titles, placeholders, aria labels), without scripts and styles."""

    SKIPPED = frozenset({"script", "style", "textarea"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0
        self._in_option = False

    def handle_starttag(self, tag, attrs):
        self._in_option = tag == "option"
        if tag in self.SKIPPED:
            self._skipping += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if self._in_option and " | " in data:
            return  # a permission ("app | model | Can add ..."): its name is data Django stores in English
        if not self._skipping and data.strip():
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return "\n".join(parser.parts)


def english_msgids(po_paths: Iterable[Path]) -> list[str]:
    """Msgids whose English differs from their pt-BR and could show in a page: the ones to look for.

    Left out: msgids with placeholders (their parts are checked through the catalogue), and English words
    that pt-BR uses too (a translation containing the word, e.g. "Boleto" in "Boleto bancário").
    """
    entries = [entry for path in po_paths for entry in polib.pofile(str(path)) if not entry.obsolete]
    translations = "\n".join(
        entry.msgstr or "\n".join(entry.msgstr_plural.values()) for entry in entries if entry.msgid
    )
    wanted = []
    for entry in entries:
        msgid = entry.msgid
        if not msgid or PLACEHOLDER.search(msgid) or entry.msgid_plural:
            continue
        translated = entry.msgstr
        if translated.strip().lower() == msgid.strip().lower():
            continue
        if re.search(rf"(?<!\w){re.escape(msgid)}(?!\w)", translations, flags=re.IGNORECASE):
            continue
        wanted.append(msgid)
    return sorted(set(wanted))


# Words of English sentences that pt-BR never uses: a page showing them has English text no catalogue
# knows about (a template or a literal that was never marked for translation).
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "with",
        "from",
        "this",
        "that",
        "these",
        "those",
        "your",
        "which",
        "have",
        "has",
        "are",
        "were",
        "been",
        "into",
        "only",
        "must",
        "every",
        "please",
        "found",
        "what",
        "when",
        "where",
        "there",
        "their",
        "yet",
        "not",
    ]
)


def english_words_in(text: str) -> list[str]:
    """``text``'s lines that read as English sentences (two or more of ``ENGLISH_WORDS``)."""
    found = []
    for line in text.splitlines():
        words = re.findall(r"[A-Za-z]+", line.lower())
        if len([word for word in words if word in ENGLISH_WORDS]) >= 2:
            found.append(line.strip()[:100])
    return found


def english_in(text: str, msgids: Iterable[str]) -> list[str]:
    """The msgids ``text`` shows: multi-word ones as written or capitalised, single words capitalised."""
    found = []
    for msgid in msgids:
        forms = {capfirst(msgid)} if " " not in msgid else {msgid, capfirst(msgid)}
        for form in forms:
            if re.search(rf"(?<![\w@.-]){re.escape(form)}(?![\w@-])", text):
                found.append(msgid)
                break
    return found


def admin_urls(packages: Iterable[str]) -> list[str]:
    """Changelist, add form (where adding is allowed) and change form of the first row, per project model."""
    urls = []
    for model, _model_admin in project_admins(packages):
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first() if model._meta.managed else None
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


def admin_page_problems(
    client, packages: Iterable[str], po_paths: Iterable[Path], *, also: Iterable[str] = ()
) -> list[str]:
    """Render every admin page of ``admin_urls`` in pt-BR with ``client`` (a superuser's) and list what is
    English in it: an error status, a catalogue msgid, an English sentence, or a phrase of ``also``."""
    msgids = english_msgids(po_paths)
    phrases = list(also)
    problems = []
    for url in admin_urls(packages):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="pt-BR", follow=True)
        if response.status_code == 403 and url.endswith("/add/"):
            continue  # a table nobody adds to by hand (ReadOnlyAdmin): no add form to read
        if response.status_code != 200:
            problems.append(f"{url}: status {response.status_code}")
            continue
        text = visible_text(response.content.decode())
        for msgid in english_in(text, msgids):
            problems.append(f"{url}: English {msgid!r}")
        for phrase in phrases:
            if phrase in text:
                problems.append(f"{url}: English {phrase!r}")
        for line in english_words_in(text):
            problems.append(f"{url}: English text {line!r}")
    return problems


def import_project_modules(packages: Iterable[str]) -> None:
    """Import every module of ``packages`` (not tests, migrations or commands), so every error class exists."""
    for package_name in packages:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if any(part in module.name.split(".") for part in ("tests", "migrations", "management", "testing")):
                continue
            importlib.import_module(module.name)


def project_error_classes(packages: Iterable[str]) -> list[type]:
    from common.api import ApiError

    prefixes = tuple(f"{package}." for package in packages)
    found, pending = [], [ApiError]
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith(prefixes) or cls is ApiError:
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def api_error_problems(packages: Iterable[str], *, factories: dict[type, Callable] | None = None) -> list[str]:
    """Every project error class's ``detail``: a pt-BR text by default, English under ``en``.

    The class-level detail (what ``raise Error()`` answers) must be a lazy translation; ``factories``
    builds errors whose detail is formatted when raised (``Error(_("Only %(n)d ...") % ...)``), built
    once per language as the request's language would be active.
    """
    import_project_modules(packages)
    problems = []
    for cls in project_error_classes(packages):
        name = f"{cls.__module__}.{cls.__qualname__}"
        builds = [lambda cls=cls: cls.detail]
        if cls in (factories or {}):
            builds.append(lambda cls=cls: factories[cls]().detail)
        if not _is_translated(cls.detail):
            problems.append(f"{name}: detail {cls.detail!r} is not translated")
            continue
        for build in builds:
            with translation.override("pt-br"):
                portuguese = str(build())
            with translation.override("en"):
                english = str(build())
            if portuguese == english:
                problems.append(f"{name}: detail {english!r} has no pt-BR translation")
    return problems
