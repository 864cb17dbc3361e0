"""The enums mirror the codebook: the same keys, labels and CAMEO codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker import vocab

CODEBOOK = Path(__file__).resolve().parent.parent.parent / "shared" / "CODEBOOK.md"


@pytest.fixture(scope="module")
def codebook() -> str:
    if not CODEBOOK.exists():
        pytest.skip("shared/CODEBOOK.md is not beside this checkout")
    return CODEBOOK.read_text(encoding="utf-8")


def test_activity_types_match_the_codebook_table(codebook: str) -> None:
    rows = re.findall(r"^\s*\| `(\w+)` \| (.+?) \| (\d+) \|$", codebook, flags=re.M)
    assert [(k, label, cameo) for k, label, cameo in rows] == [(m.value, m.label, m.cameo) for m in vocab.ActivityType]


@pytest.mark.parametrize(
    ("heading", "enum"),
    [
        ("**type**: `interstate`", vocab.ConflictType),
        ("**phase** (life cycle", vocab.Phase),
        ("**kind**: `state`", vocab.PartyKind),
        ("**recognition status**", vocab.RecognitionStatus),
        ("**Recognition** (a dated edge", vocab.RecognitionKind),
        ("**role**: `primary`", vocab.Role),
        ("**capacity**", vocab.Capacity),
        ("**motives**", vocab.Motive),
        ("**leverage**", vocab.Leverage),
        ("**track**", vocab.Track),
        ("**scope**", vocab.Scope),
        ("**official level**", vocab.OfficialLevel),
        ("**form**", vocab.Form),
        ("**purpose**", vocab.Purpose),
        ("**effect on the conflict**", vocab.Effect),
        ("**incentive**", vocab.Incentive),
        ("**side**", vocab.Side),
        ("**status**: `pending`", vocab.CandidateStatus),
        ("**stage** (as PA-X)", vocab.AgreementStage),
        ("**status**: `multiparty`", vocab.AgreementStatus),
        ("trend (`deteriorated`", vocab.Trend),
    ],
)
def test_each_vocabulary_has_the_codebook_keys(codebook: str, heading: str, enum: type[vocab.Vocab]) -> None:
    start = codebook.index(heading)
    ends = [i for i in (codebook.find("\n- ", start + 1), codebook.find("**", start + len(heading))) if i != -1]
    paragraph = codebook[start : min(ends) if ends else None]
    keys = re.findall(r"`([\w.]+)`", paragraph)
    assert [k for k in keys if k in enum.keys()] == enum.keys()
    assert set(enum.keys()) <= set(keys)


def test_parse_refuses_unknown_keys_naming_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"allowed: 1, 1\.5, 2"):
        vocab.Track.parse("3")


def test_level_ladder_orders_head_of_state_highest() -> None:
    ranks = vocab.LEVEL_RANK
    assert (
        ranks[vocab.OfficialLevel.HEAD_OF_STATE]
        > ranks[vocab.OfficialLevel.MINISTERIAL]
        > ranks[vocab.OfficialLevel.UNOFFICIAL]
    )


def test_every_charted_vocabulary_key_has_its_colour() -> None:
    """A key added to a vocabulary the dashboards colour gets its colour, or the chart breaks."""
    from tracker.dashboards import palette
    from tracker.vocab import Effect, Incentive, OfficialLevel, Phase, Purpose, QuadClass, Track

    for vocabulary, colours in ((Track, palette.TRACK), (Purpose, palette.PURPOSE), (Effect, palette.EFFECT),
                                (Incentive, palette.INCENTIVE), (Phase, palette.PHASE), (QuadClass, palette.QUAD),
                                (OfficialLevel, palette.LEVEL)):  # fmt: skip
        assert set(colours) == set(vocabulary.keys()), vocabulary.__name__
        assert all(len(c) == 7 and c.startswith("#") for c in colours.values())
