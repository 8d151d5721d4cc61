"""What to suggest beside a photo and how sure to be: the suggestion set, the reviewer's own
decisions read from the journal, the precision model built on them and the Learn-then-Test
guarantee behind a recommended rule."""
