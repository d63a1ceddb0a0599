function process(orders) {
  for (const order of orders) {
    if (!order.paid) continue;
    order.items.forEach((item) => {
      if (item.inStock) {
        if (item.weight > 10) {
          shipHeavy(item);
        } else if (item.weight > 5) {
          shipMedium(item);
        } else {
          ship(item);
        }
      }
    });
  }
}

module.exports = { process };
