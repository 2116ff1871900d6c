"""Training: ``python -m mlcore.train --model cnn --dataset mitdb --out models/cnn-mitdb``.

``cli`` parses the command and writes the artefact folder, ``loop`` holds the training loops and
``metrics`` the classification metrics shared with evaluation.
"""
