// Element Plus on demand: only the components the admin draws are bundled (the first load stays small).
// A page that draws a new <el-…> adds its component here; tests/element.test.js fails until it does.
// Each plugin also registers its parts (ElTable → ElTableColumn, ElForm → ElFormItem, ElSelect → ElOption …).
import {
  ElAlert, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions, ElDialog,
  ElDrawer, ElEmpty, ElForm, ElIcon, ElImage, ElInput, ElInputNumber, ElLink, ElLoading, ElMenu, ElPageHeader,
  ElPagination, ElProgress, ElRadio, ElRate, ElResult, ElRow, ElSelect, ElStatistic, ElSwitch, ElTable, ElTabs, ElTag,
  ElTimeline, ElTooltip,
} from 'element-plus'

export const COMPONENTS = [
  ElAlert, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions, ElDialog,
  ElDrawer, ElEmpty, ElForm, ElIcon, ElImage, ElInput, ElInputNumber, ElLink, ElMenu, ElPageHeader, ElPagination,
  ElProgress, ElRadio, ElRate, ElResult, ElRow, ElSelect, ElStatistic, ElSwitch, ElTable, ElTabs, ElTag, ElTimeline,
  ElTooltip,
]

export function installElement(app) {
  for (const component of COMPONENTS) app.use(component)
  app.use(ElLoading) // v-loading
}
