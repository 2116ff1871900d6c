import math
from datetime import datetime, timedelta

from django import forms
from django.db import transaction

from recordings.models import CONDITIONS, SYMPTOMS, Questionnaire, Recording, Symptom


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
        min_value=1,
        max_value=100_000,
        label="Sampling rate (Hz)",
        help_text="Needed for a CSV without a time column, or a .npy file.",
    )


def parse_times(text: str, duration_s: float, clock_start: datetime | None = None) -> list[float]:
    """Seconds into the recording of comma-separated times: into the recording (``h:mm``,
    ``h:mm:ss`` or plain minutes), or, with ``clock_start``, clock times (``h:mm`` or ``h:mm:ss``,
    24-hour), each the first such moment after the recording's start."""
    times = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        pieces = _time_pieces(part, clock=clock_start is not None)
        if len(pieces) == 1:  # minutes
            seconds = pieces[0] * 60
        else:
            seconds = sum(p * unit for p, unit in zip(pieces, (3600, 60, 1), strict=False))
        if clock_start is not None:
            since_midnight = clock_start - clock_start.replace(hour=0, minute=0, second=0)
            seconds = (seconds - since_midnight.total_seconds()) % 86400
            if seconds > duration_s:
                end = clock_start + timedelta(seconds=duration_s)
                raise forms.ValidationError(
                    f"{part} is not during the recording, which ran from "
                    f"{clock_start:%H:%M:%S} to {end:%H:%M:%S} by its clock."
                )
        elif seconds > duration_s:
            raise forms.ValidationError(
                f"{part} is after the end of the recording ({duration_s / 60:.0f} minutes long)."
            )
        times.append(seconds)
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
    if seconds is None:
        return ""
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


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
    other_conditions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Other conditions"
    )
    medication = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Names and doses, e.g. bisoprolol 2.5 mg daily.",
    )

    def __init__(self, *args, recording: Recording, **kwargs):
        self.recording = recording
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
                "Leave blank if you do not know.",
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
        for key in SYMPTOMS:
            try:
                times = parse_times(data.get(f"{key}_at") or "", self.recording.duration_s, start)
            except forms.ValidationError as exc:
                self.add_error(f"{key}_at", exc)
                continue
            if times:
                data[key] = True
            data[f"{key}_times"] = times
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
        for symptom in questionnaire.symptoms.all():
            initial[symptom.kind] = True
            if symptom.at_s is not None:
                before = initial.get(f"{symptom.kind}_at")
                now = format_time(symptom.at_s)
                initial[f"{symptom.kind}_at"] = f"{before}, {now}" if before else now
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
                    "conditions": data["conditions"],
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
