// Coloured tag for an order status (SPEC §3); the label text comes from the server.
Component({
  properties: {
    status: { type: String, value: '' },
    label: { type: String, value: '' }
  }
})
