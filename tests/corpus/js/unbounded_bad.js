async function exportAll(db, User, prisma) {
  const docs = await db.collection("users").find({}).toArray(); // expect: unbounded-materialization
  const all = await User.findAll(); // expect: unbounded-materialization
  const users = await prisma.user.findMany(); // expect: unbounded-materialization
  return { docs, all, users };
}

module.exports = { exportAll };
