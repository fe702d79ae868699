// Loading / empty / error placeholder every page shows instead of a blank screen. Pages pass the server's words as
// `text`; the defaults in the template stay in the code because they show before the words arrive or when the
// server cannot be reached (a failed first load).
Component({
  properties: {
    state: { type: String, value: 'loading' }, // loading | empty | error
    text: { type: String, value: '' }
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry')
    }
  }
})
