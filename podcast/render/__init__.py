"""The render stages after the script: voicing, fitting to the target length, assembly and
writing the episode folder.

- :mod:`~podcast.render.voicing`: which profile speaks each segment; speaking a script.
- :mod:`~podcast.render.fitting`: landing the episode on its target length.
- :mod:`~podcast.render.assembly`: the timeline (stings, segments, pauses), chapters, cues.
- :mod:`~podcast.render.writing`: the MP3 (loudness, tags), transcripts, ``episode.json``.
- :mod:`~podcast.render.loudness`, :mod:`~podcast.render.tags`, :mod:`~podcast.render.jingle`:
  the pieces they use.

They are run in order by :mod:`podcast.pipeline` (``podcast render``, batches, the library
API); an episode folder itself belongs to :mod:`podcast.episodes`.
"""
