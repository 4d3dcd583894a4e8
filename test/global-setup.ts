// Replaced by the database bootstrap (see src/server/db).
export default function setup() {}
