// A5's countdown ("还剩 1天3小时"), in the words the server uses (domain.after_sales.deadline_label): the page
// starts from the server's label and seconds left, and keeps counting with the phone's elapsed time only,
// so a phone whose clock is wrong still shows the server's deadline.

/** Seconds left -> 还剩 1天3小时 / 还剩 5小时20分 / 还剩 12分钟 / 已超时. */
function countdownLabel(secondsLeft) {
  const left = Math.floor(secondsLeft)
  if (!(left > 0)) return '已超时'
  const days = Math.floor(left / 86400)
  const hours = Math.floor((left % 86400) / 3600)
  const minutes = Math.max(Math.floor((left % 3600) / 60), days || hours ? 0 : 1)
  if (days) return '还剩 ' + days + '天' + hours + '小时'
  if (hours) return '还剩 ' + hours + '小时' + minutes + '分'
  return '还剩 ' + minutes + '分钟'
}

/** The label now, for a case loaded `elapsedMs` ago with the server's `deadline_seconds`. */
function labelAfter(deadlineSeconds, elapsedMs) {
  return countdownLabel(deadlineSeconds - elapsedMs / 1000)
}

module.exports = { countdownLabel, labelAfter }
