// A 复制 button for a text the shopper pastes elsewhere (return address, tracking number).
Component({
  properties: {
    text: { type: String, value: '' },
    label: { type: String, value: '' } // the page passes the server's word (common.copy)
  },
  methods: {
    onCopy() {
      if (this.data.text) wx.setClipboardData({ data: this.data.text })
    }
  }
})
