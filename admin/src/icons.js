// The icons the admin draws (the menu's and the header's), registered by name; importing only these keeps the
// other ~280 Element Plus icons out of the first load.
import {
  Bell, Box, ChatDotRound, Document, Goods, List, Money, Odometer, Setting, Stamp, Ticket, TrendCharts, User, UserFilled, Van, Warning,
} from '@element-plus/icons-vue'

export const ICONS = {
  Bell, Box, ChatDotRound, Document, Goods, List, Money, Odometer, Setting, Stamp, Ticket, TrendCharts, User, UserFilled, Van, Warning,
}
