function process(orders) {
  for (const order of orders) {
    if (order.paid) {
      for (const item of order.items) {
        if (item.inStock) {
          if (item.weight > 10) { // expect: deep-nesting
            shipHeavy(item);
          }
        }
      }
    }
  }
}

module.exports = { process };
