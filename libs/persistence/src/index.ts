export { DecimalType } from './decimal.type';
export { runServiceMigrations } from './migrate';
export { serviceOrmConfig, type ServiceOrmOptions } from './orm-config';
