"""Minimal stand-ins for transformers' TrainingArguments, TrainerState and TrainerControl: only the attributes
SatwatchCallback reads or writes (the real classes are dataclasses with these fields)."""


class FakeArgs:
    """TrainingArguments: the callback reads nothing from it."""


class FakeState:
    """TrainerState: ``global_step`` and ``num_input_tokens_seen`` (0 unless the Trainer counts tokens)."""

    def __init__(self, global_step=0, num_input_tokens_seen=0):
        self.global_step = global_step
        self.num_input_tokens_seen = num_input_tokens_seen


class FakeControl:
    """TrainerControl: the Trainer ends its loop once ``should_training_stop`` is true."""

    def __init__(self):
        self.should_training_stop = False
