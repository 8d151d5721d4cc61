"""Views that let a reviewer handle many photos in one look: a cluster's grid and what it
rejected, bursts, duplicates, groups no cluster fits and their names, and the per-photo facts
(capture time, difference hash) that bursts and duplicates read."""
