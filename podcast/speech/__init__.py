"""Speech: engines that turn script text into audio, and what they share."""
