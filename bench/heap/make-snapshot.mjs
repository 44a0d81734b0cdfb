// Writes a Node heap snapshot of about the requested size, for the heap engine benchmark:
//   node --max-old-space-size=16000 bench/heap/make-snapshot.mjs <size MB> <out file>
// The heap holds a mix that real services have: class instances sharing references,
// arrays, Maps with string keys, closures with contexts, Buffers, WeakMap entries, cycles.
import { statSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';

const [mbArg, out] = process.argv.slice(2);
if (!mbArg || !out) {
  console.error('usage: make-snapshot.mjs <size MB> <out file>');
  process.exit(2);
}
// Measured on Node 20: one record below adds about 1.46 KB to the snapshot file.
const RECORDS_PER_MB = 685;
const records = Math.max(1, Math.round(Number(mbArg) * RECORDS_PER_MB));

class Customer {
  constructor(id) {
    this.id = id;
    this.name = `customer-${id}`;
    this.orders = [];
  }
}
class Item {
  constructor(sku, qty) {
    this.sku = sku;
    this.qty = qty;
    this.price = qty * 1.25;
  }
}
class Order {
  constructor(id, customer) {
    this.id = id;
    this.customer = customer;
    this.items = [new Item(`sku-${id % 997}`, id % 7), new Item(`sku-${id % 991}`, id % 5)];
    this.note = `order ${id} for ${customer.name}`;
    this.tags = { priority: id % 3, region: `r${id % 17}` };
    this.onDone = () => this.id + customer.id;
  }
}

const customers = [];
const orders = new Map();
const byKey = new WeakMap();
const buffers = [];
for (let i = 0; i < records; i++) {
  if (i % 8 === 0) customers.push(new Customer(i));
  const customer = customers[customers.length - 1];
  const order = new Order(i, customer);
  customer.orders.push(order);
  orders.set(`order-${i}`, order);
  if (i % 4 === 0) byKey.set(order, { seen: i });
  if (i % 64 === 0) buffers.push(Buffer.alloc(256 + (i % 1024)));
}
globalThis.benchState = { customers, orders, byKey, buffers };

const started = performance.now();
writeHeapSnapshot(out);
const mb = statSync(out).size / 1e6;
console.log(
  `${out}: ${mb.toFixed(1)} MB, ${records} records, written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
