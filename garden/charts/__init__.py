"""Charts precomputed by small simulation scripts and drawn as inline SVG.

spec     JSON printed by a script → a validated, frozen `Chart`
ticks    scales, nice ticks and number labels
svg      `Chart` → SVG text (pure, deterministic)
table    `Chart` → the HTML data table shown under the SVG
rawsvg   check and sanitise SVG that a script drew itself
store    the data file beside a script (its result, stamped with digests)
runner   run one script in its own process (only `garden charts` does this)
library  what a build knows: scripts and stored results → figure parts
refresh  `garden charts`: find embedded charts, run the changed ones
"""
