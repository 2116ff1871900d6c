"""Exceptions raised for bad input; their messages are shown to users as they are."""


class SignalError(ValueError):
    """The recording cannot be read or processed; the message names the problem."""


class UnsupportedFormatError(SignalError):
    """The file is empty, of an unknown type, or not what its name says it is."""


class MissingSamplingRateError(SignalError):
    """The file carries no sampling rate and none was given."""


class CorruptRecordError(SignalError):
    """The bytes cannot be parsed, or a header disagrees with its data (truncated, missing)."""


class InvalidSignalError(SignalError):
    """The samples were read but are unusable: NaN, constant, too short, absurd sampling rate."""


class RecordTooLargeError(SignalError):
    """The record is too large to load at once; it must be processed in chunks."""
