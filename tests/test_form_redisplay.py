"""No form loses or garbles what was typed.

Every form of the app is found from the URL map (each route that answers GET and POST and shows
a form with fields), filled with values, and sent back twice:

* with one required field left empty: the form comes back with an error, and every other field
  shows exactly what was sent;
* (forms with a record version) complete, but over a newer version: the lost-update screen
  shows every field exactly as sent.

Passwords and file uploads are never shown again, by design; they are left out of the check.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.site import NOT_SHOWN_AGAIN, Control, form_routes, main_form, payload, typed_value


def _shown(control: Control) -> object:
    if control.kind == "select":
        return control.selected[0] if control.selected else (control.options[0] if control.options else "")
    if control.kind == "select-multiple":
        return sorted(control.selected)
    return control.value


def _assert_redisplayed(url: str, sent: dict[str, object], html: str, skip: set[str]) -> None:
    again = {c.name: c for c in main_form(html) or []}
    for name, value in sent.items():
        if (
            name in skip
            or name == "csrf_token"
            or name not in again
            or again[name].kind in NOT_SHOWN_AGAIN | {"checkbox"}
        ):
            continue
        expected = sorted(value) if isinstance(value, list) else value
        assert _shown(again[name]) == expected, (
            f"{url}: field {name!r} shows {_shown(again[name])!r} after {value!r} was sent"
        )


def test_every_form_is_found(app: Flask, world) -> None:
    urls = form_routes(app, world)
    assert {"/conflicts/new", "/conflicts/fx/activities/new", f"/phases/{world['phase_id']}/edit",
            f"/parties/recognitions/{world['recognition_id']}/edit"} <= set(urls)  # fmt: skip


def test_every_form_shows_what_was_typed_after_an_error(app: Flask, client, auth, world) -> None:
    auth.login("admin")
    checked = []
    for url in form_routes(app, world):
        page = client.get(url)
        assert page.status_code == 200, url
        controls = main_form(page.get_data(as_text=True))
        required = [c for c in controls or [] if c.required and c.kind not in NOT_SHOWN_AGAIN | {"hidden", "checkbox"}]
        if not required:
            continue  # a confirmation, or a form whose fields are all optional
        values = {c.name: v for n, c in enumerate(controls) if (v := typed_value(c, n)) is not None}
        emptied = required[0].name
        values[emptied] = ""
        sent = payload(controls, values)
        response = client.post(url, data=sent)
        assert response.status_code == 200, f"{url}: {response.status_code} with {emptied!r} empty"
        html = response.get_data(as_text=True)
        assert "is-invalid" in html, f"{url}: no error shown with {emptied!r} empty"
        _assert_redisplayed(url, sent, html, {emptied})
        checked.append(url)
    assert len(checked) >= 10, checked


def test_the_lost_update_screen_shows_what_was_typed(app: Flask, client, auth, world) -> None:
    auth.login("admin")
    checked = []
    for url in form_routes(app, world):
        controls = main_form(client.get(url).get_data(as_text=True)) or []
        if not any(c.name == "version" and c.value for c in controls):
            continue  # not an edit of a versioned record
        values = {c.name: v for n, c in enumerate(controls) if (v := typed_value(c, n)) is not None}
        for c in controls:
            if c.kind == "textarea" or (
                c.kind == "text" and c.name.rsplit("-", 1)[-1] in ("description", "notes", "note", "summary")
            ):
                values[c.name] = f"Changed while someone else saved «{c.name}»"
        values["version"] = "0"  # opened before someone else saved
        sent = payload(controls, values)
        response = client.post(url, data=sent)
        html = response.get_data(as_text=True)
        errors = [line.strip() for line in html.splitlines() if "invalid-feedback" in line or "alert-danger" in line]
        assert response.status_code == 200 and "Someone else saved this record" in html, (url, errors)
        _assert_redisplayed(url, sent, html, {"version"})
        checked.append(url)
    assert len(checked) >= 5, checked


UNREADABLE_DATES = ("1992-13-40", "2005-02-31", "next spring")


def _is_date(control: Control) -> bool:
    name = control.name.rsplit("-", 1)[-1]
    return control.kind == "text" and ("date" in name or name in ("since", "until", "phase_since", "month"))


@pytest.mark.parametrize("bad", UNREADABLE_DATES)
def test_an_unreadable_date_in_any_date_field_is_shown_back_with_its_reason(
    app: Flask, client, auth, world, bad
) -> None:
    """Each date field of each form, one at a time: the form answers 200 with the reason beside
    that field and shows every value as typed (an unreadable end date once crashed the
    date-order check)."""
    auth.login("admin")
    checked = []
    for url in form_routes(app, world):
        controls = main_form(client.get(url).get_data(as_text=True)) or []
        for target in [c for c in controls if _is_date(c)]:
            values = {c.name: v for n, c in enumerate(controls) if (v := typed_value(c, n)) is not None}
            values[target.name] = bad
            sent = payload(controls, values)
            response = client.post(url, data=sent)
            assert response.status_code == 200, f"{url}: {response.status_code} with {target.name}={bad!r}"
            html = response.get_data(as_text=True)
            assert "is-invalid" in html and "not a date" in html, f"{url}: no reason shown for {target.name}={bad!r}"
            _assert_redisplayed(url, sent, html, set())
            checked.append((url, target.name))
    assert len(checked) >= 12, checked
