"""Pure parsing of inbound mail: MIME, charsets, HTML sanitizing, quotes, loop detection.

No I/O, no database, no Qt. Everything here is safe to run in worker processes.
"""

from .charsets import decode_bytes
from .loops import (
    classify_headers,
    classify_loop,
    is_forward_subject,
    strip_reply_prefixes,
    subject_ticket_token,
)
from .model import Address, LoopKind, ParsedAttachment, ParsedMessage, ParseFailure
from .parse import MailParseError, parse_message, try_parse
from .quotes import find_forwarded_sender, split_quoted_html, split_quoted_text
from .sanitize import (
    blocked_image_count,
    cid_references,
    html_to_text,
    plain_to_html,
    rewrite_cid_urls,
    sanitize_html,
    unblock_remote_images,
)

__all__ = [
    "Address",
    "LoopKind",
    "MailParseError",
    "ParseFailure",
    "ParsedAttachment",
    "ParsedMessage",
    "blocked_image_count",
    "cid_references",
    "classify_headers",
    "classify_loop",
    "decode_bytes",
    "find_forwarded_sender",
    "html_to_text",
    "is_forward_subject",
    "parse_message",
    "plain_to_html",
    "rewrite_cid_urls",
    "sanitize_html",
    "split_quoted_html",
    "split_quoted_text",
    "strip_reply_prefixes",
    "subject_ticket_token",
    "try_parse",
    "unblock_remote_images",
]
