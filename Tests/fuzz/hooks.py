"""Schemathesis hooks for scripts/fuzz-api: keep every request the fuzz makes on this machine.

The gateway fetches image URLs (`image_url`, `image_end_url`, keyframe and upload `url`) and
posts webhooks (`notify_hook`, `callback_url`). A generated http(s) URL would send it to any
host, so before each call such a URL is swapped for a local one: a PNG the gateway itself
serves for image fields, the gateway's own address for webhook fields. Every other value,
valid or not, is sent as generated.
"""

import os
import re

import schemathesis
from hypothesis.internal import lambda_sources
from schemathesis.specs.openapi import checks as openapi_checks

# CPython before 3.11.8 and 3.12.1 (Debian's 3.11 included) can fail `ast.parse` deep in a call
# stack with "SystemError: AST constructor recursion depth mismatch" (CPython gh-106905).
# Hypothesis parses source only to name a lambda in a strategy's repr, and schemathesis' deep
# request schemas reach that depth; a lambda it cannot name is described as unknown instead of
# failing the run.
_describe_lambda = lambda_sources.lambda_description


def _lambda_description(function):
    try:
        return _describe_lambda(function)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources.lambda_description = _lambda_description

# Schemathesis decides whether a form body it meant as invalid is valid as sent (every field of a
# multipart form is text) by validating the fields against the schema it optimized for
# generation, where a length bound is folded into an unanchored pattern: our "not blank"
# `[^\s]` with 1-5000 characters becomes `^[^\s]{1,5000}$`, so any prompt with a space in it
# would count as invalid, and accepting one as a failure. It is asked here with the schema as
# written, the one its own response validation uses.
_form_body_is_valid_as_sent = openapi_checks._form_body_is_valid_as_sent


class _Overlay:
    """`target` with some of its attributes replaced."""

    def __init__(self, target, **replaced):
        self._target, self._replaced = target, replaced

    def __getattr__(self, name):
        return self._replaced[name] if name in self._replaced else getattr(self._target, name)


def _as_written(case):
    operation = case.operation

    def body_for(media_type):
        alternative = operation.get_body_for_media_type(media_type)
        return None if alternative is None else _Overlay(alternative, optimized_schema=alternative.validation_schema)

    return _Overlay(case, operation=_Overlay(operation, get_body_for_media_type=body_for))


openapi_checks._form_body_is_valid_as_sent = lambda response, case, media_type: _form_body_is_valid_as_sent(
    response, _as_written(case), media_type
)

IMAGE_URL = os.environ["FUZZ_IMAGE_URL"]
WEBHOOK_URL = os.environ["FUZZ_WEBHOOK_URL"]
# `input_reference[image_url]` is how /v1/videos takes an image URL in a multipart form.
IMAGE_FIELDS = {"image_url", "image_end_url", "url", "input_reference[image_url]"}
WEBHOOK_FIELDS = {"notify_hook", "callback_url"}
REMOTE = re.compile(r"^\s*https?:", re.IGNORECASE)


def localize(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and REMOTE.match(item):
                if key in IMAGE_FIELDS:
                    value[key] = IMAGE_URL
                elif key in WEBHOOK_FIELDS:
                    value[key] = WEBHOOK_URL
            else:
                localize(item)
    elif isinstance(value, list):
        for item in value:
            localize(item)


@schemathesis.hook
def before_call(context, case, kwargs):
    if isinstance(case.body, (dict, list)):
        localize(case.body)
