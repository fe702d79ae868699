// A5's countdown, in the words the server uses (labels.COUNTDOWN_WORDS, as domain.after_sales.deadline_label writes
// it; GET /words group countdown): the page starts from the server's label and seconds left, and keeps counting with
// the phone's elapsed time only, so a phone whose clock is wrong still shows the server's deadline.
const words = require('./words')

/** Seconds left -> the server's words for days and hours / hours and minutes / minutes / expired. */
function countdownLabel(secondsLeft) {
  const w = words.of('countdown')
  const left = Math.floor(secondsLeft)
  if (!(left > 0)) return w.expired
  const days = Math.floor(left / 86400)
  const hours = Math.floor((left % 86400) / 3600)
  const minutes = Math.max(Math.floor((left % 3600) / 60), days || hours ? 0 : 1)
  return words.fill(w[days ? 'days' : hours ? 'hours' : 'minutes'], { days, hours, minutes })
}

/** The label now, for a case loaded `elapsedMs` ago with the server's `deadline_seconds`. */
function labelAfter(deadlineSeconds, elapsedMs) {
  return countdownLabel(deadlineSeconds - elapsedMs / 1000)
}

module.exports = { countdownLabel, labelAfter }
