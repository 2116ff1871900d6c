import math
from datetime import datetime, timedelta

from django import forms
from django.db import transaction

from mlcore.readers.validate import MAX_FS, MIN_FS
from recordings.models import CONDITIONS, SYMPTOMS, Questionnaire, Recording, Symptom
from recordings.serializers import ANSWER_TEXT_MAX, MAX_SYMPTOMS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class UploadForm(forms.Form):
    name = forms.CharField(
        max_length=200, required=False, help_text="Defaults to the record's file name."
    )
    files = MultipleFileField(
        help_text="A WFDB record (.hea with its .dat and optional .atr, or all of them in one .zip), "
        "a CSV (one column per lead), an EDF or a .npy file; or a UCR/ECG5000 beat table (.tsv: "
        "the label, then 140 samples, per row)."
    )
    sampling_rate = forms.FloatField(
        required=False,
        min_value=MIN_FS,
        max_value=MAX_FS,
        label="Sampling rate (Hz)",
        help_text="Needed for a CSV without a time column, or a .npy file.",
    )


UNTIMED = "?"  # among a symptom's times: once more, at a time not known
SHOWN_S = 0.001  # format_time shows times to the millisecond


def parse_times(
    text: str, duration_s: float, clock_start: datetime | None = None
) -> list[float | None]:
    """Seconds into the recording of comma-separated times: into the recording (``h:mm``,
    ``h:mm:ss`` or plain minutes), or, with ``clock_start``, clock times (``h:mm`` or ``h:mm:ss``,
    24-hour), each the first such moment after the recording's start; ``?`` (``UNTIMED``) is a
    time not known (None)."""
    times: list[float | None] = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        if part == UNTIMED:
            times.append(None)
            continue
        pieces = _time_pieces(part, clock=clock_start is not None)
        if len(pieces) == 1:  # minutes
            seconds = pieces[0] * 60
        else:
            seconds = sum(p * unit for p, unit in zip(pieces, (3600, 60, 1), strict=False))
        if clock_start is not None:
            since_midnight = clock_start - clock_start.replace(hour=0, minute=0, second=0)
            seconds = (seconds - since_midnight.total_seconds()) % 86400
        # A time at the end, shown rounded up past it (format_time), is the end.
        if seconds > duration_s + SHOWN_S / 2:
            if clock_start is not None:
                end = clock_start + timedelta(seconds=duration_s)
                raise forms.ValidationError(
                    f"{part} is not during the recording, which ran from "
                    f"{clock_start:%H:%M:%S} to {end:%H:%M:%S} by its clock."
                )
            raise forms.ValidationError(
                f"{part} is after the end of the recording ({duration_s / 60:.0f} minutes long)."
            )
        times.append(min(seconds, duration_s))
    return times


def _time_pieces(part: str, clock: bool) -> list[float]:
    """The numbers of ``h:mm[:ss]`` (or, unless ``clock``, of plain minutes), checked."""
    example = "h:mm, 24-hour (e.g. 22:05)" if clock else "h:mm (e.g. 1:05) or minutes (e.g. 65)"
    try:
        pieces = [float(x) for x in part.split(":")]
    except ValueError:
        raise forms.ValidationError(f"“{part}” is not a time: write {example}.") from None
    if not 1 + clock <= len(pieces) <= 3 or not all(math.isfinite(p) and p >= 0 for p in pieces):
        raise forms.ValidationError(f"“{part}” is not a time: write {example}.")
    if any(p >= 60 for p in pieces[1:]):
        raise forms.ValidationError(
            f"“{part}” is not a time: minutes and seconds after a colon go up to 59."
        )
    if clock and pieces[0] >= 24:
        raise forms.ValidationError(f"“{part}” is not a clock time: hours go up to 23.")
    return pieces


def format_time(seconds: float | None) -> str:
    """``h:mm:ss``, with the milliseconds where there are some (``0:00:10.4``), as
    ``parse_times`` reads it back."""
    if seconds is None:
        return ""
    whole, ms = divmod(round(seconds * 1000), 1000)
    text = f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return f"{text}.{ms:03d}".rstrip("0") if ms else text


def format_times(times: list[float | None]) -> str:
    """A symptom's times as the page shows them: the known ones in order, then a ``?`` for each
    one not known (an API client may give both, or several untimed ones, for one symptom)."""
    known = sorted(t for t in times if t is not None)
    return ", ".join([*map(format_time, known), *[UNTIMED] * (len(times) - len(known))])


def as_stored(times: list[float | None], stored: list[float]) -> list[float | None]:
    """``times`` with each one that shows as a ``stored`` time does (``format_time``) replaced by
    that stored time, to the last digit: a time left as the page showed it is saved unchanged
    (10.4004 s, shown as 0:00:10.4, stays 10.4004 s)."""
    by_text: dict[str, list[float]] = {}
    for t in stored:
        by_text.setdefault(format_time(t), []).append(t)
    exact: list[float | None] = []
    for t in times:
        same = by_text.get(format_time(t)) if t is not None else None
        exact.append(same.pop() if same else t)
    return exact


class AnswerText(forms.CharField):
    """Free text refused past ``max_length`` with the form's message, never cut short: without
    the ``maxlength`` attribute, at which a browser cuts a paste without a word."""

    def widget_attrs(self, widget: forms.Widget) -> dict:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class QuestionnaireForm(forms.Form):
    """Symptoms with their timing, and the person's age, sex, conditions and medication."""

    age = forms.IntegerField(required=False, min_value=0, max_value=120)
    sex = forms.ChoiceField(
        required=False, choices=[("", "Prefer not to say"), *Questionnaire.Sex.choices]
    )
    conditions = forms.MultipleChoiceField(
        required=False,
        choices=list(CONDITIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        label="Known conditions",
    )
    # The API's limits (recordings/serializers.py): what one saves, the other takes back.
    other_conditions = AnswerText(
        required=False,
        max_length=ANSWER_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Other conditions",
        help_text=f"Up to {ANSWER_TEXT_MAX} characters.",
    )
    medication = AnswerText(
        required=False,
        max_length=ANSWER_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"Names and doses, e.g. bisoprolol 2.5 mg daily. Up to {ANSWER_TEXT_MAX} "
        "characters.",
    )

    def __init__(self, *args, recording: Recording, **kwargs):
        self.recording = recording
        answers = getattr(recording, "questionnaire", None)
        self.stored: dict[str, list[float]] = {}  # each symptom's stored times, to keep them exact
        for symptom in answers.symptoms.all() if answers else []:
            if symptom.at_s is not None:
                self.stored.setdefault(symptom.kind, []).append(symptom.at_s)
        super().__init__(*args, **kwargs)
        if recording.clock_start:  # a diary's times are clock times
            self.fields["time_base"] = forms.ChoiceField(
                choices=[
                    ("recording", "into the recording (h:mm, or minutes)"),
                    (
                        "clock",
                        f"by the clock (h:mm, 24-hour; it started at {recording.clock_start_text})",
                    ),
                ],
                initial="recording",
                required=False,  # into the recording, as on recordings without a clock
                widget=forms.RadioSelect,
                label="The times below are",
            )
        for key, label in SYMPTOMS.items():
            self.fields[key] = forms.BooleanField(required=False, label=label)
            self.fields[f"{key}_at"] = forms.CharField(
                required=False,
                label="When",
                help_text="Time into the recording (h:mm, or minutes); several: separate with commas. "
                "Leave blank if you do not know; ? is one more time not known.",
            )

    def symptom_fields(self):
        return [(self[key], self[f"{key}_at"]) for key in SYMPTOMS]

    def other_fields(self):
        return [
            self[name] for name in ("age", "sex", "conditions", "other_conditions", "medication")
        ]

    def clean(self):
        data = super().clean()
        clock = data.get("time_base") == "clock"
        start = self.recording.started_at if clock else None
        n_symptoms = 0
        for key in SYMPTOMS:
            try:
                times = parse_times(data.get(f"{key}_at") or "", self.recording.duration_s, start)
            except forms.ValidationError as exc:
                self.add_error(f"{key}_at", exc)
                continue
            if times:
                data[key] = True
            data[f"{key}_times"] = times
            n_symptoms += len(times) or int(bool(data.get(key)))  # ticked without times: one
        if n_symptoms > MAX_SYMPTOMS:
            raise forms.ValidationError(
                f"Ensure there are no more than {MAX_SYMPTOMS} symptom times in all (there are "
                f"{n_symptoms}; each ? and each ticked symptom without a time counts as one)."
            )
        for key in SYMPTOMS:
            if f"{key}_times" in data:
                data[f"{key}_times"] = as_stored(data[f"{key}_times"], self.stored.get(key, []))
        return data

    @classmethod
    def initial_for(cls, questionnaire: Questionnaire | None) -> dict:
        if questionnaire is None:
            return {}
        initial = {
            "age": questionnaire.age,
            "sex": questionnaire.sex,
            "conditions": questionnaire.conditions,
            "other_conditions": questionnaire.other_conditions,
            "medication": questionnaire.medication,
        }
        times: dict[str, list[float | None]] = {}
        for symptom in questionnaire.symptoms.all():
            times.setdefault(symptom.kind, []).append(symptom.at_s)
        for kind, kind_times in times.items():
            initial[kind] = True
            if kind_times != [None]:  # one untimed symptom alone: ticked, its times left blank
                initial[f"{kind}_at"] = format_times(kind_times)
        return initial

    def save(self) -> Questionnaire:
        """Replace the recording's answers with these, in one transaction."""
        data = self.cleaned_data
        with transaction.atomic():
            questionnaire, _ = Questionnaire.objects.update_or_create(
                recording=self.recording,
                defaults={
                    "age": data["age"],
                    "sex": data["sex"],
                    "conditions": list(dict.fromkeys(data["conditions"])),  # as the API does
                    "other_conditions": data["other_conditions"].strip(),
                    "medication": data["medication"].strip(),
                },
            )
            questionnaire.symptoms.all().delete()
            rows = []
            for key in SYMPTOMS:
                if not data.get(key):
                    continue
                times = data.get(f"{key}_times") or [None]
                rows += [Symptom(questionnaire=questionnaire, kind=key, at_s=t) for t in times]
            Symptom.objects.bulk_create(rows)
        return questionnaire
