from django import forms


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
        "a CSV (one column per lead), an EDF or a .npy file."
    )
    sampling_rate = forms.FloatField(
        required=False,
        min_value=1,
        max_value=100_000,
        label="Sampling rate (Hz)",
        help_text="Needed for a CSV without a time column, or a .npy file.",
    )
