// Behaviour every loading page shares: loading / empty / error states, retry, pull-to-refresh,
// and for lists, paging on reach-bottom. Mixed into a page with Page(withMixin(single, {...})).

/**
 * A page showing one thing: it defines fetch(quiet) -> Promise and show(result).
 * @type {Record<string, Function> & ThisType<any>}
 */
const single = {
  onRetry() {
    return this.load()
  },

  onPullDownRefresh() {
    return this.load(true).then(() => wx.stopPullDownRefresh())
  },

  /** @param {boolean} [quiet] keep what is on screen while refreshing; errors then only toast */
  load(quiet) {
    if (!quiet) this.setData({ state: 'loading' })
    return this.fetch(!!quiet).then(result => this.show(result), error => {
      if (!quiet) this.setData({ state: 'error', errorText: error.message })
    })
  }
}

/**
 * A paged list in data.items: the page defines fetchPage(page, quiet) -> Promise<{items, total}>,
 * present(item), optionally afterPage(body), and sets this.perPage.
 * @type {Record<string, Function> & ThisType<any>}
 */
const paged = {
  onRetry() {
    return this.reload()
  },

  onPullDownRefresh() {
    return this.fetch(1).then(() => wx.stopPullDownRefresh())
  },

  onReachBottom() {
    if (this.data.hasMore && !this.data.loadingMore && this.data.state === 'ready') return this.fetch(this.data.page + 1)
  },

  /** @param {boolean} [quiet] keep the current list on screen while refreshing */
  reload(quiet) {
    if (!quiet) this.setData({ state: 'loading', items: [] })
    return this.fetch(1)
  },

  fetch(page) {
    this.setData({ loadingMore: page > 1 })
    return this.fetchPage(page, page > 1).then(body => {
      const items = (page === 1 ? [] : this.data.items).concat(body.items.map(item => this.present(item)))
      this.setData({
        items, page, hasMore: page * this.perPage < body.total, loadingMore: false, state: items.length ? 'ready' : 'empty'
      })
      if (this.afterPage) this.afterPage(body)
    }, error => {
      this.setData({ loadingMore: false })
      if (page === 1) this.setData({ state: 'error', errorText: error.message })
    })
  }
}

/**
 * The page's options with the mixin's methods. `this` is loosely typed inside: the typings do not
 * know methods a mixin adds; calls to wx.* are still checked.
 * @param {Record<string, Function>} mixin
 * @param {Record<string, any> & ThisType<any>} options
 * @returns {any}
 */
function withMixin(mixin, options) {
  return Object.assign({}, mixin, options)
}

module.exports = { single, paged, withMixin }
