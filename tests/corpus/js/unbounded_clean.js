async function page(db, User, prisma, items, id) {
  const docs = await db.collection("users").find({}).limit(100).toArray();
  const some = await User.findAll({ limit: 50 });
  const users = await prisma.user.findMany({ take: 20 });
  const one = items.find((x) => x.id === id);
  return { docs, some, users, one };
}

module.exports = { page };
