// Loading / empty / error placeholder every page shows instead of a blank screen.
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
