import { describe, expect, it } from 'vitest'
import { ICONS } from '../src/icons'
import { MENU } from '../src/layout/menu'

// Only the icons the admin draws are registered (the first load stays small): each menu icon must be among them.
describe('icons', () => {
  it('registers every icon the menu draws, and the header\'s', () => {
    for (const item of MENU) expect(ICONS[item.icon], item.icon).toBeTruthy()
    expect(ICONS.UserFilled).toBeTruthy()
  })
})
