"""The mistake search: which catalogue entries, alone or in pairs, reproduce the token exactly."""

from __future__ import annotations

import hmac
import itertools
import time
from dataclasses import dataclass

from explorer import signing
from explorer.doctor.catalogue import Context, Mistake, mistakes
from explorer.doctor.recipe import Builder, Built, Recipe


@dataclass(frozen=True)
class DigestMatch:
    """Mistakes that, made together, give exactly the token's dig; and what the signer then signed."""

    mistakes: tuple[Mistake, ...]
    built: Built

    @property
    def weight(self) -> int:
        return min(m.weight for m in self.mistakes)


@dataclass(frozen=True)
class DigestSearch:
    """The outcome of a search: matches (most likely first) and what was tried."""

    matches: tuple[DigestMatch, ...]
    tried_singles: tuple[Mistake, ...]  # entries that change this request's canonical request (or dig)
    inert: tuple[Mistake, ...]  # entries that cannot show on this request (nothing they would change)
    pairs_tried: int
    complete: bool  # False when the time budget ran out before every pair was tried


def base_recipe(context: Context) -> Recipe:
    """The spec's way of signing the request as sent."""
    request = context.request
    return Recipe.for_request(request.method, request.path, tuple(request.query_pairs), request.body)


def search_digest(received_dig: str, context: Context, *, budget_s: float = 1.0, pairs: bool = True) -> DigestSearch:
    """Try every dig-stage mistake alone, then every pair, against `received_dig`.

    A mistake that changes nothing on this request is set aside (it cannot be told apart), and
    a pair that gives the same dig as one of its members alone is not a pair. Single matches come
    first, then pairs; within each, the more common mistakes first.
    """
    deadline = time.perf_counter() + budget_s
    builder = Builder()
    base = base_recipe(context)
    built_base = builder.build(base)
    base_dig = built_base.dig if built_base else None
    singles: list[tuple[Mistake, Recipe, str]] = []
    inert: list[Mistake] = []
    found: list[DigestMatch] = []
    complete = True
    for mistake in mistakes("dig"):
        if time.perf_counter() > deadline:
            complete = False
            break
        assert mistake.edit is not None
        recipe = mistake.edit(base, context)
        built = builder.build(recipe) if recipe is not None else None
        if recipe is None or built is None or built.dig == base_dig:
            inert.append(mistake)
            continue
        singles.append((mistake, recipe, built.dig))
        if built.dig == received_dig:
            found.append(DigestMatch((mistake,), built))
    pair_matches: list[DigestMatch] = []
    tried = 0
    if pairs and complete:
        for (first, first_recipe, first_dig), (second, _, second_dig) in itertools.combinations(singles, 2):
            if time.perf_counter() > deadline:
                complete = False
                break
            assert second.edit is not None
            recipe = second.edit(first_recipe, context)
            tried += 1
            if recipe is None:
                continue
            built = builder.build(recipe)
            if built is None or built.dig != received_dig or built.dig in (first_dig, second_dig, base_dig):
                continue
            pair_matches.append(DigestMatch((first, second), built))
    pair_matches.sort(key=lambda match: -(match.mistakes[0].weight + match.mistakes[1].weight))
    return DigestSearch(
        tuple(found) + tuple(pair_matches), tuple(m for m, _, _ in singles), tuple(inert), tried, complete
    )


def search_key(signing_input: bytes, received_signature: bytes, secret_key: str) -> tuple[Mistake, ...]:
    """Signature-stage mistakes whose key reproduces the token's signature."""
    found = []
    for mistake in mistakes("signature"):
        assert mistake.key is not None
        key = mistake.key(secret_key)
        if key is not None and hmac.compare_digest(signing.hs256(signing_input, key), received_signature):
            found.append(mistake)
    return tuple(found)
