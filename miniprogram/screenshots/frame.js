// A rendered page as one self-contained HTML file, the way a phone shows it: the simulate DOM, app.wxss and
// every page/component wxss inlined with rpx converted (750rpx = 375px), plain CSS for WeChat's built-in
// elements, WeChat's navigation bar on top and, on tab pages, the tab bar with its icons.
const fs = require('fs')
const path = require('path')
const simulateUtils = require('miniprogram-simulate/src/utils')
const wxss = require('miniprogram-simulate/src/wxss')
const { ROOT } = require('../tests/support/page')

const RPX = /(-?\d*\.?\d+)rpx/g
const toPx = css => css.replace(RPX, (_, n) => +(Number(n) / 2).toFixed(2) + 'px')
// simulate inserts the wxss with 1rpx = 1px; a phone 375px wide has 750rpx.
simulateUtils.transformRpx = toPx

const APP = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))

// WeChat's built-in elements drawn with plain CSS (simulate renders them as bare wx-* elements).
const BUILT_INS = `
html, body { margin: 0; padding: 0; background: ${APP.window.backgroundColor}; }
body { width: 375px; font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", "Helvetica Neue", sans-serif; }
page { display: block; min-height: 100vh; padding-top: 64px; box-sizing: border-box; }
wx-view, wx-scroll-view, wx-picker, wx-form { display: block; }
wx-scroll-view { overflow: hidden; }
wx-text { display: inline; white-space: pre-wrap; }
wx-image { display: inline-block; width: 320px; height: 240px; background: #f0f0f0 center / cover no-repeat; overflow: hidden; }
wx-button { display: block; position: relative; box-sizing: border-box; margin: 0 auto; padding: 0 14px; font-size: 18px;
  text-align: center; line-height: 2.55; border-radius: 5px; color: #000; background: #f8f8f8; }
wx-button::after { content: ""; position: absolute; top: 0; left: 0; right: 0; bottom: 0; border: 1px solid rgba(0,0,0,.2);
  border-radius: inherit; pointer-events: none; }
wx-button[size="mini"] { display: inline-block; line-height: 2.3; font-size: 13px; padding: 0 1.34em; }
wx-button[disabled] { opacity: .6; }
wx-input { display: block; min-height: 1.4em; line-height: 1.4em; overflow: hidden; white-space: nowrap; }
wx-input[data-value]:not([data-value=""])::before { content: attr(data-value); }
wx-input[data-value=""]::before, wx-input:not([data-value])::before { content: attr(data-placeholder); color: #bbb; }
wx-textarea { display: block; min-height: 80px; }
wx-textarea::before { content: attr(data-placeholder); color: #bbb; }
wx-switch { display: inline-block; width: 52px; height: 32px; border-radius: 16px; background: #e5e5e5; position: relative; }
wx-switch::after { content: ""; position: absolute; top: 2px; left: 2px; width: 28px; height: 28px; border-radius: 50%; background: #fff;
  box-shadow: 0 1px 3px rgba(0,0,0,.4); }
wx-switch[data-checked="true"] { background: var(--primary, #07c160); }
wx-switch[data-checked="true"]::after { left: 22px; }
wx-checkbox, wx-radio { display: inline-block; width: 20px; height: 20px; border: 1px solid #ccc; border-radius: 3px; vertical-align: middle; }
.wx-nav { position: fixed; top: 0; left: 0; right: 0; height: 64px; padding-top: 20px; box-sizing: border-box; z-index: 10;
  display: flex; align-items: center; justify-content: center; font-size: 17px; font-weight: 600; }
.wx-capsule { position: absolute; right: 7px; top: 26px; width: 87px; height: 32px; box-sizing: border-box; border-radius: 16px;
  border: 1px solid rgba(0,0,0,.1); background: rgba(255,255,255,.6); display: flex; align-items: center; justify-content: space-around; }
.wx-capsule i { display: block; width: 18px; height: 4px; border-radius: 2px; background: #333; }
.wx-capsule b { display: block; width: 14px; height: 14px; border-radius: 50%; border: 3px solid #333; box-sizing: border-box; }
.wx-tabbar { position: fixed; left: 0; right: 0; bottom: 0; height: 56px; display: flex; border-top: 1px solid #eee; z-index: 10; }
.wx-tab { flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: center; font-size: 10px; }
.wx-tab img { width: 27px; height: 27px; margin-bottom: 2px; }
.with-tabbar page { padding-bottom: 56px; }
`

function dataUri(file) {
  return 'data:image/png;base64,' + fs.readFileSync(path.join(ROOT, file)).toString('base64')
}

function escapeHtml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** The navigation bar; `title` is what the page set with wx.setNavigationBarTitle (the server's words), if it did. */
function navBar(pagePath, title) {
  const json = JSON.parse(fs.readFileSync(path.join(ROOT, pagePath + '.json'), 'utf8'))
  title = title || json.navigationBarTitleText || APP.window.navigationBarTitleText
  const dark = (json.navigationBarTextStyle || APP.window.navigationBarTextStyle) === 'black'
  const background = json.navigationBarBackgroundColor || APP.window.navigationBarBackgroundColor
  return `<div class="wx-nav" style="background:${background};color:${dark ? '#000' : '#fff'}">${escapeHtml(title)}` +
    '<div class="wx-capsule"><i></i><b></b></div></div>'
}

function tabBar(pagePath) {
  const bar = APP.tabBar
  if (!bar || !bar.list.some(tab => tab.pagePath === pagePath)) return ''
  const tabs = bar.list.map(tab => {
    const on = tab.pagePath === pagePath
    const icon = on ? tab.selectedIconPath : tab.iconPath
    return `<div class="wx-tab" style="color:${on ? bar.selectedColor : bar.color}">` +
      (icon ? `<img src="${dataUri(icon)}" alt="">` : '') + `${escapeHtml(tab.text)}</div>`
  }).join('')
  return `<div class="wx-tabbar" style="background:${bar.backgroundColor}">${tabs}</div>`
}

// simulate's built-in elements are bare slots that drop their attributes; these keep what a picture needs.
const KEPT = {
  image: { src: String, mode: String },
  input: { value: null, placeholder: String },
  textarea: { value: null, placeholder: String },
  switch: { checked: Boolean },
  button: { size: String, disabled: Boolean, openType: String, sessionFrom: String, sendMessageTitle: String,
    sendMessagePath: String, showMessageCard: Boolean }
}
Object.keys(KEPT).forEach(tag => {
  const properties = {}
  Object.keys(KEPT[tag]).forEach(name => { properties[name] = { type: KEPT[tag][name] } })
  require('j-component').register({ id: tag, tagName: 'wx-' + tag, template: '<slot/>', properties })
})

// Every element of the rendered tree, inside components too (j-component selects by class and id only).
function eachElement(node, visit) {
  if (!node) return
  if (node.__domElement) visit(node.__domElement, node.__propData || {})
  ;(node.childNodes || []).forEach(child => eachElement(child, visit))
  if (node.shadowRoot) eachElement(node.shadowRoot, visit)
}

function fillBuiltIns(comp) {
  eachElement(comp._exparserNode, (dom, data) => {
    const tag = (dom.tagName || '').toLowerCase()
    if (tag === 'wx-image' && data.src) dom.style.backgroundImage = `url("${data.src}")`
    if (tag === 'wx-input' || tag === 'wx-textarea') {
      dom.setAttribute('data-value', data.value === null || data.value === undefined ? '' : String(data.value))
      dom.setAttribute('data-placeholder', data.placeholder || '')
    }
    if (tag === 'wx-switch') dom.setAttribute('data-checked', String(!!data.checked))
    if (tag === 'wx-button' && data.size) dom.setAttribute('size', data.size)
    if (tag === 'wx-button' && data.disabled) dom.setAttribute('disabled', '')
  })
}

/** The page as HTML: built-in CSS, app.wxss (the page's own class prefix), what simulate inserted. */
function pageHtml(comp, pagePath, title) {
  fillBuiltIns(comp)
  const app = toPx(wxss.compile(fs.readFileSync(path.join(ROOT, 'app.wxss'), 'utf8'), { prefix: 'main' }))
  const inserted = Array.from(document.head.querySelectorAll('style')).map(style => style.innerHTML).join('\n')
  const withTabs = tabBar(pagePath)
  return '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=375">' +
    `<style>${BUILT_INS}\n${app}\n${inserted}</style></head>` +
    `<body class="${withTabs ? 'with-tabbar' : ''}">${navBar(pagePath, title)}<page>${comp.dom.outerHTML}</page>${withTabs}</body></html>`
}

module.exports = { pageHtml, toPx }
