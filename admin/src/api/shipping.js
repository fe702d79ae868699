import { get, post } from './request'

// WeChat's carrier list (get_delivery_list, cached by the server): [{ code, name }].
export const listCarriers = () => get('/carriers')
// Before receipt; WeChat allows one correction (a second answers SHIPMENT_CORRECTION_USED).
export const correctShipment = (id, carrier, trackingNo) =>
  post(`/orders/${id}/shipment`, { carrier, tracking_no: trackingNo })
// Delivered: the server asks WeChat to remind the shopper to confirm receipt.
export const markDelivered = (id) => post(`/orders/${id}/delivered`)
