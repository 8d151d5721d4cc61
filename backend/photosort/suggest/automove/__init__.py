"""Filing many photos at once on the strength of their suggestions: the rule and which photos
it picks, and the estimate, dry run and real run of a batch."""
