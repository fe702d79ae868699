// A component handed a prop its own definition refuses (an Element Plus tag of type '', a checkbox whose
// true-value is a boolean, a statistic given a string) fails the test that drew it: Vue only warns of it.
import { config } from '@vue/test-utils'
import { afterEach, expect } from 'vitest'

const refused = []
config.global.config.warnHandler = (message, instance, trace) => {
  if (message.startsWith('Invalid prop')) refused.push(`${message}${trace}`)
  else console.warn(`[Vue warn]: ${message}${trace}`)
}

afterEach(() => {
  expect(refused.splice(0), 'props a component refused').toEqual([])
})
